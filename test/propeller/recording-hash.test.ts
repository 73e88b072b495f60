import { describe, expect, it } from 'vitest';
import { caseName, fingerprint, hashCases } from './recording-hash.js';

/**
 * Output-neutrality guard for simulator performance work: the Recording (JSON), the number of engine
 * events and the end time of every scenario file and a few synthetic inputs, under several models
 * and seeds, must stay exactly what they were. A deliberate change of the model's behaviour updates
 * this table (run the cases and paste the new fingerprints) in its own commit, with the reason.
 *
 * Fingerprint: `sha256(JSON.stringify(recording)) events endNs`.
 *
 * History: the table was taken before the simulator's performance work and held unchanged through
 * it, except once: random streams moved from Alea seeded by its own Mash hash of the key to Alea
 * seeded by a fast keyed hash (engine/random.ts). That changed every draw, hence every fingerprint,
 * and nothing else; the table was re-taken right after that one change.
 */
const EXPECTED: Record<string, string> = {
  'cached-dataframe-cr.yaml default seed=1': '5d2b0a4eb9a9409eeaab9d182d35652cf294347b5d5329b0c97f2e4def7705f3 195 67552304132',
  'cached-dataframe-cr.yaml default seed=propsim': 'ba249798934b86a028a1c1c9a42af47540cc8652fb61f53040ea2a4a1dad072d 187 65466799088',
  'cached-dataframe-cr.yaml flyte-core seed=7': 'ac7f768e8a2b3d5883896922e1fb244b1ed27f103e3255cae722b31d43bb7a72 182 104547592738',
  'cached-dataframe-cr.yaml stress seed=7': 'e6280b10e4f299f571ea2e5e28c6d7769ee383a5ea359b0750432a152969c776 221 74489647368',
  'chained-cache.yaml default seed=1': 'e9e22752c48400f283fc19afa5acaeac7fbd6ea3b5a25a8bccd6c0253642842f 1350 527552304132',
  'chained-cache.yaml default seed=propsim': '1797b1dff7bc393a8c12b03f68b6ee9112806633a691ca223b86e20dff3bfde8 1337 515466799088',
  'chained-cache.yaml flyte-core seed=7': '55dbd27015a5d4edfc83ab643ad9ab390049a1f5747975c98ec4ea6ffd479b98 1218 643468942106',
  'chained-cache.yaml stress seed=7': '61460ad87c55c938ae01bc9660a6df137aa37f8a855b6c93b23502944d732837 1455 544489647368',
  'hello.yaml default seed=1': '05d712a83173181e93751be1c9d6c298db14e9f7ebeadb7e9071a990247ed1a4 79 17552304132',
  'hello.yaml default seed=propsim': '70d2d080ce8e2058fd71a393311fe4e73947f53bea5a8990b5dcd564f1461207 79 15466799088',
  'hello.yaml flyte-core seed=7': 'cdb9a26615b25359242c73b9e2e1f3400bf3d9948fe4f5f195f46dcdaf8f1832 78 43468942106',
  'hello.yaml stress seed=7': 'd1e16f4c1d5fb9dd5d2e9b108e8eff277faad463f5b2a577fbaf3783ad08ab5e 103 24489647368',
  'large-workflow.yaml default seed=1': '587ac7e1f558075d31c7b8d973b8ee1f60eaa66adf4f6e555de8fd9d0263fa62 16654 317552304132',
  'large-workflow.yaml default seed=propsim': 'ad927ca5795d5093ac9f6c1b20d689c4149bad5f58090a5cdd2a1e47a8798e46 16707 325466799088',
  'large-workflow.yaml flyte-core seed=7': '48224f2d96651331192dcc1f8cd8a18723d2e8c4446d93c47c9d3fdbb55e7a01 16299 381364093982',
  'large-workflow.yaml stress seed=7': 'b5f0c902d32a490d660cc6dc5076727b2f639705412a314222e21dc3f98fce20 2685 864489647368',
  'map-fanout.yaml default seed=1': 'c9a76ed6f1a7339308f671932d3d2b7ad5b2e2f76c932537032cc440af9acdb0 12299 177552304132',
  'map-fanout.yaml default seed=propsim': '8e65926989c2e2a34fdc8d8bbc3b29fee8215cf3cd27e8350defa32bbd5d4398 12221 165466799088',
  'map-fanout.yaml flyte-core seed=7': '008c7f9d568b5e3dd64f334e1e2b2bf33b8279269de2e0a67e0649daf69f240a 9584 253756752513',
  'map-fanout.yaml stress seed=7': 'edbad4bae035af388f6ef28884a2e40272dc645d9d1e51b2ae142f4f490d97b1 10487 726509254925',
  'mixed-load.yaml default seed=1': '429ce76cb9d85647b9a70b1f8f388765b4eedd433c688777f2393c01207328e6 17995 307552304132',
  'mixed-load.yaml default seed=propsim': '31f6ab69c339e528244c04731b8a6a05ffde09362cf69b7f2fc62bec50ce31e6 17758 305466799088',
  'mixed-load.yaml flyte-core seed=7': '27a3c89eafa1927f4a3eaf1a375f3f2ee131f86141e37c17fb9f0897618cf06d 10504 367564601317',
  'mixed-load.yaml stress seed=7': 'dd996bd2eabbd6822142f9197313ab24aa2eb461846b248585aa571353b7b807 11378 376120191434',
  'nested-dynamic.yaml default seed=1': 'c5de6c6a449b62c3c716b4b9a65f952f4a28d110ca741a25aa50a6a7f4b41341 1122 137552304132',
  'nested-dynamic.yaml default seed=propsim': 'a958716c2132fcc54ac01b4a97de8932af950571fb984cf4cf483d03ac374161 1166 145466799088',
  'nested-dynamic.yaml flyte-core seed=7': '3e7f4216e05977e2396d22bb3c071183a0d66a0fad31f517eba1c520487d5ec2 839 180412011117',
  'nested-dynamic.yaml stress seed=7': 'b58a74f84f800058faed468fd136361dbf42caefdd5d75313492392599c6f232 726 183418626699',
  'parallel-subworkflows.yaml default seed=1': 'b44ba14c874e3842f2c8678fe8c49463920ed4b72c44c5817096b77c1917dcd4 1182 117552304132',
  'parallel-subworkflows.yaml default seed=propsim': '89517367101dcf769b4c3054a416cd15eadb8bf6ca5f818b27b772596dc6a85f 1157 125466799088',
  'parallel-subworkflows.yaml flyte-core seed=7': '0afbd8b1be532387e8f1809420e2035b00c19fb2ff929b485ceea4047aa1f146 917 182375479095',
  'parallel-subworkflows.yaml stress seed=7': '396bc6e086ea41e6c8674e961372f9cb897622353cd7f3935e8d5109d3f5f2fe 1113 154355750318',
  'short-tasks.yaml default seed=1': '59604f098c0020bc88447ad6c93e3a010e422cc6ae468aed7a131b6636a20c9c 1455 147552304132',
  'short-tasks.yaml default seed=propsim': '531b98c7c7eb6302e3cfb66bfbf0ac3f58bbc5b249e3db7c8b429fce4013508f 1426 155466799088',
  'short-tasks.yaml flyte-core seed=7': '174ef8449ee621b7a0234d368d554084d674a7848c8c5468cb1c344aca30cd70 1159 288127015450',
  'short-tasks.yaml stress seed=7': 'd2856cf1878e361a81e901dee9c5e09115057acf364e8f59d2b7ccc578c96b24 1147 296586462528',
  'too-large.yaml default seed=1': '8b4019fc8d6d17ea3fbc93f67c7f95bbf1f40e28c11f69e7ca3564add1c5caed 1713 47552304132',
  'too-large.yaml default seed=propsim': 'b5b58d8f4c8c1821170245a53815b00dcd08197d1b21cb86933f11665151e343 1580 46588128169',
  'too-large.yaml flyte-core seed=7': '297fb1588bcd222d64891517df6d582821c3b829118bdd0436684fa064935959 1592 167364093982',
  'too-large.yaml stress seed=7': '909ee2a05653f32f07f2dc3722187aef3e0c36c9d4d109a717d68c50842c4a49 2129 1104489647368',
  'synthetic:zoo test seed=1': '66b682ca2b439b162965b7c09831d998d6796ff534fbfe67200b2650e73480cf 5060 147552304132',
  'synthetic:zoo test seed=propsim': 'b69470bce3ece31c3fa3a2c93381250b9b5e8dc8067728c06d9c8fa86e15cfa0 5199 155466799088',
  'synthetic:zoo stress seed=7': 'ac6ae9c05f10a27839155c3c2f609333bec8f75699347196b774df441c016f9d 3029 364489647368',
  'synthetic:chain-300 test seed=1': '1a027b7d6c4afed48463066c65a202b10a8f4aa78e546459858b9d1f70d61555 14219 4807552304132',
  'synthetic:chain-300 test seed=propsim': 'a6d192f02da18c4121eb6488c68316e71a59fb5cfbe11f97cdfd138be9262ed6 14287 4905466799088',
  'synthetic:chain-300 stress seed=7': '3e5c042f84101e3fccb40e1c8518f53c9737cfae6a056476f996614fb576118f 3252 1015291335879',
  'synthetic:fanout-300 test seed=1': 'd20ef72b482b519e08330b7a473fa7ad1b93a59e1c256b63dc04ad3e4259c1cd 7363 217552304132',
  'synthetic:fanout-300 test seed=propsim': '26383498c03c8ecc17f481c103e75cd1988b148ba1da1d4b022daae0e117c531 7293 215466799088',
  'synthetic:fanout-300 stress seed=7': '826a9e3845374b32299be5262f12f3223bc438ae34fe924b36e76e9c621c256a 1351 804489647368',
  'synthetic:map-1000 test seed=1': '43627ff0c2fc9ec6d0774aa49e352d705d52e6840a47aec21729185c11c05397 4524 47552304132',
  'synthetic:map-1000 test seed=propsim': 'bfffe4c8a66f1bbe9668d77923748557506c727f38e84e93bb9076669cfb1944 4477 45466799088',
  'synthetic:map-1000 stress seed=7': 'e8f5c5e078295ebea0de581dfa4cb8594fe8ad0008b79ea9f54e25215c8d488a 3353 464489647368',
  'synthetic:concurrent-60 test seed=1': 'a40595bc46f4942545c920dcd99279c0e4d84fd0eaafb1f8f5f8a2a89ba06732 10523 87552304132',
  'synthetic:concurrent-60 test seed=propsim': 'fdf094ca579ce186c8f857f8c5d8181af3b1182aa3cc9090d9bdeddd6d92a024 10530 95466799088',
  'synthetic:concurrent-60 stress seed=7': '9d9ab9324597f3667e75d036ce9b35415111baf86fe6be8482681cc98821e4ee 9711 292609207963',
};

describe('simulate output is unchanged (fingerprints)', () => {
  const cases = hashCases();
  it('covers every case of the table and no other', () => {
    expect(cases.map(caseName).sort()).toEqual(Object.keys(EXPECTED).sort());
  });
  for (const c of cases) {
    it(caseName(c), () => {
      expect(fingerprint(c)).toBe(EXPECTED[caseName(c)]);
    });
  }
});
