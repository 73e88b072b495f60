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
 *
 * Re-taken once more after the Timeline correctness fixes, which change the Recording's content:
 * - every case: task phases and task event ops use plugin phase names (`PhaseQueued`..
 *   `PhaseRetryableFailure`); each Handle call that ran rounds states `streakMax`; `enqueuedAt` is
 *   the earliest enqueue since the previous call started (`timeline/queue-wait.ts`), not the time
 *   the key became ready;
 * - cases with failed rounds: `round.error` is the error class (`conflict`, `tooLarge`,
 *   `throttled`, `error`), the text stays on the failing op; a failed event op carries its error
 *   text in `detail`, and task events no longer carry `attempt N version V` there;
 * - `map-fanout.yaml stress` and `synthetic:concurrent-60 stress` (the only changes of event count
 *   and end time): an event error of the workflow's end node no longer fails its round (its
 *   NotYetStarted→Queued step used to; both cases had such rounds). A nested end node's event
 *   error now fails its round instead of being dropped (no case here had one).
 * Not visible in the table: ops and enqueues no longer carry undefined-valued keys (same JSON), and
 * the max-parallelism short-circuit count leaves out finished nodes (no case here hits that).
 *
 * Re-taken after Handle calls, rounds and ops dropped bounds equal to their times (absent = exact,
 * `timeline/bounds.ts`): every case's JSON, with `withoutExactBounds` applied to the JSON before
 * and after, hashed the same in all cases, and events and end times are unchanged.
 *
 * The four `cached-dataframe-cr.yaml` cases re-taken when the workflow label stopped prefixing
 * project and domain to a CR's `spec.id`, which already holds them (`::name` in this CR: the
 * label was `flytesnacks:development:::name`, now `flytesnacks:development:name`). The old JSON
 * with only that label replaced hashes to the new fingerprints.
 *
 * The three `synthetic:zoo` cases re-taken when branch case nodes' records gained `upstream: []`
 * (they are runnable when their branch decides, not after a sibling). The new JSON with empty
 * `upstream` lists dropped hashes to the old fingerprints; events and end times are unchanged.
 *
 * Re-taken again when gate nodes' records gained `gateOpened` (the instant the gate's condition
 * was met): the new JSON with those two fields dropped hashes to the previous fingerprints.
 */
const EXPECTED: Record<string, string> = {
  'cached-dataframe-cr.yaml default seed=1': 'b885ce957344a3458b11abb9106f6b6f6e61f2e5e9a71088e286b318ad965648 195 67552304132',
  'cached-dataframe-cr.yaml default seed=propsim': 'c8c6987ab5696fe2d1fbf977ebd4069ab377d6d5b2c6ec7e6723d9695ef41ba4 187 65466799088',
  'cached-dataframe-cr.yaml flyte-core seed=7': '9d0c55f01ceab7ea7643a1479ffd9f04d41d2e370cae5bee72b374cb503d872e 182 104547592738',
  'cached-dataframe-cr.yaml stress seed=7': '03f9ed2b830395c81edc9cb5a64670204123f5ab3c593ac40f23a6a9b18e48d2 221 74489647368',
  'chained-cache.yaml default seed=1': '15ce89c75018a647a24d3aaa92b787bb8522b2c75c4cf9ae806e61834b9cac66 1350 527552304132',
  'chained-cache.yaml default seed=propsim': 'a1e91df8d66e622bf21e7a17d26d8a94513a913ab7500f3300d957fd5e09be40 1337 515466799088',
  'chained-cache.yaml flyte-core seed=7': 'f812d91cda19b57dfa0f4cd536f633d2da20d296033daeef14c054bf94aacb1d 1218 643468942106',
  'chained-cache.yaml stress seed=7': 'e5aaad5991d356b55e7d5a5e53d3ed4849535b679f4d5ce72ce8788bf6964380 1455 544489647368',
  'hello.yaml default seed=1': '2e8eada5883933d7d956ddebf8d0633c28cf7d07be9961d4dca1eafa1a03494a 79 17552304132',
  'hello.yaml default seed=propsim': '2d24e1548fb3a995517a35731c11cd754b2f84c5d7757c4f842b24008be24189 79 15466799088',
  'hello.yaml flyte-core seed=7': '90a81a6b41bba60eae6c18d7a0a9893ff8cc7a25ed577c3bfe0cc40f65391370 78 43468942106',
  'hello.yaml stress seed=7': '083f97ce2738857168d7b34086c6bc86da66c0d138a92f85ba30ff68738437cc 103 24489647368',
  'large-workflow.yaml default seed=1': 'fe402050ffb4a370f6426104104b28dd691003491b936eed3ad23d5047c22a81 16654 317552304132',
  'large-workflow.yaml default seed=propsim': '75eac2b695e92badfad2ea51d2de627ce4e8674afa8459c097e4fe9d908f994a 16707 325466799088',
  'large-workflow.yaml flyte-core seed=7': '501d9ea79fc341f4e1761ac20cc78b6b5228cdb930cf278351ae631a9538a3b9 16299 381364093982',
  'large-workflow.yaml stress seed=7': '7431c77fe9c73ee7c2f6c93b5bf7be47c40b35ca4570422900de1c55d318cd86 2685 864489647368',
  'map-fanout.yaml default seed=1': 'ea485eaa27a28fc80acf16143241247c48f7e58abae7d49451f5ce616189333e 12299 177552304132',
  'map-fanout.yaml default seed=propsim': '8e60117beba4781497cf76853550b7d3cba13e0f6641def8bc4552f629c11fc5 12221 165466799088',
  'map-fanout.yaml flyte-core seed=7': '75874e7cb2a85d1bccb41e6803005f37166d94323ee3083e3cd12bc8e2acf1e6 9584 253756752513',
  'map-fanout.yaml stress seed=7': 'b2c00445b6b16b3f22df3d1e10c84f1ac9fb3442f8309ed1d62052cdf79209f9 10478 714489647368',
  'mixed-load.yaml default seed=1': 'd3fe84b690089ad112f9c9550832702a51f83c9f12df5fc060752ce79fb93588 17995 307552304132',
  'mixed-load.yaml default seed=propsim': '2487baf79bbe84792b0067e5f3085ea874b195e416492808648903591b4ef56c 17758 305466799088',
  'mixed-load.yaml flyte-core seed=7': 'd28e86f42e8bb42fcc1f99ecd18fff9770ad71adc1c76450bdfe81ea45249d85 10504 367564601317',
  'mixed-load.yaml stress seed=7': 'a264af8d50c29471d8c4890b119d831b0bc1017516bca16397be6d25092e153d 11378 376120191434',
  'nested-dynamic.yaml default seed=1': '44ddb1b2f79fa93ca0bfed009381bbfa8166193a7caa4fe92ba3019bfbe927eb 1122 137552304132',
  'nested-dynamic.yaml default seed=propsim': '90b58a0ea00fc9a5aa2708cba3eb8f53f5c37168540517f623f8eb9b3512d127 1166 145466799088',
  'nested-dynamic.yaml flyte-core seed=7': '27dc3bc43654c30933d534812a47fb5f45fbd29654a608d53b6960b28082dc80 839 180412011117',
  'nested-dynamic.yaml stress seed=7': '61e67b2d17b8afe2a6e2c1fc0e68553cc90cd892bc2f0eec5b1810dde70e0afd 726 183418626699',
  'parallel-subworkflows.yaml default seed=1': '09827df3d2ae79598264f9ab4b44508e6e19f42434cd0f0dbf32e96eb120a8b6 1182 117552304132',
  'parallel-subworkflows.yaml default seed=propsim': '2dcff37fa0000bc018500198069eb8221b40c7840bed27140b9c3b5b77977ffb 1157 125466799088',
  'parallel-subworkflows.yaml flyte-core seed=7': 'bec7784067d1f4d69b9e25163b6c7c2d5b6f7bde9307e9c44140ea3efc12357b 917 182375479095',
  'parallel-subworkflows.yaml stress seed=7': 'b864a6d3e607e9327b83ea0fc670a932e267b6ead5dc5138e01d1d6394bd92db 1113 154355750318',
  'short-tasks.yaml default seed=1': 'b3d65afce718bade9cf0827edb2c2e89db9134dd256df8fbaf37a183b3ba45f9 1455 147552304132',
  'short-tasks.yaml default seed=propsim': '0a07cfe0ff4869e5480464bafa3c4988d5e75b7397db8a63d573bf92cb4930ac 1426 155466799088',
  'short-tasks.yaml flyte-core seed=7': '3ffabf64b03544b7ab8ac526156e31325f4b5f37a1ba490efc576719c1cbb12f 1159 288127015450',
  'short-tasks.yaml stress seed=7': '24bbd1b41034f7c5beb547e46dc84b70d73484ed3a93ee62064ac2e0cb56a406 1147 296586462528',
  'too-large.yaml default seed=1': '2e45915193112ac54b73161d45ce266c39c6a9a024134721551da707754825c7 1713 47552304132',
  'too-large.yaml default seed=propsim': '75fac41fde7f5c3687275776291d4843c09ec347b7cf9b6c167124e1dced1a02 1580 46588128169',
  'too-large.yaml flyte-core seed=7': '20732187cf200b7d8f725d19156ebfcc88c23ff062764f83b73ea0f693915945 1592 167364093982',
  'too-large.yaml stress seed=7': 'ca298bf892ddaac538b09a71b4f1a8f6398ec78c13dd63b6b7e2a55cc4d3af9c 2129 1104489647368',
  'synthetic:zoo test seed=1': '7f2723a7e116dc024e8fb29c50bd05f599a72b19ee8a69034dd9821ad7642d74 5060 147552304132',
  'synthetic:zoo test seed=propsim': '2622bd9d7d0303753397e5e9d2dbd5bdcc7f8ff9c51c7c9483526fd3e7b418f0 5199 155466799088',
  'synthetic:zoo stress seed=7': '9028e1ab724b2a94b8ce5bd641e398d2d13dc4300147141c6626ef159a75583d 3029 364489647368',
  'synthetic:chain-300 test seed=1': '11908c5947a04e61c3bda32bb7e4cb40d22f0df4567b3c97dd03203719bebc7d 14219 4807552304132',
  'synthetic:chain-300 test seed=propsim': 'eff44ef782c928b03054b2c21ed7e49585358a65ee2160abcc00dfd36122fc3c 14287 4905466799088',
  'synthetic:chain-300 stress seed=7': 'eda982e04f2042c6ee4dd38f3c89b0e97b5d12bce2750f70cb4769ab4d9e5017 3252 1015291335879',
  'synthetic:fanout-300 test seed=1': '2e3239eae7bf09c3e9e713dd3213e7a3f35f994d45b42241ce4f60253d366183 7363 217552304132',
  'synthetic:fanout-300 test seed=propsim': '1cf564ddf8f186420933a2e9970463c754a5b2e46556c4c647dda18ddd871b94 7293 215466799088',
  'synthetic:fanout-300 stress seed=7': 'da840ac68910c23c1280aac1f47a4f85fad838a8b3d90ec3d326cfcb672c37e7 1351 804489647368',
  'synthetic:map-1000 test seed=1': 'f2a5524c8db74c612e46c2157e088ecdfc31e8d8ac956a14a91125f75c44b50c 4524 47552304132',
  'synthetic:map-1000 test seed=propsim': 'cb55e21844fd7dba109c4e654519548c3a14b290461cbdfadaba6bb5ce758559 4477 45466799088',
  'synthetic:map-1000 stress seed=7': 'ea137c5fa68ff8caa9f1f7d1c8bb307ce036189475ae4b2fe85836cd128b4c95 3353 464489647368',
  'synthetic:concurrent-60 test seed=1': '954589c5ebd51eacb6f93b71077486960d5eac09cb34d53fa3f0c67f429dc0ae 10523 87552304132',
  'synthetic:concurrent-60 test seed=propsim': 'b91f4cefd7cfb1abf4665f5e6b59130bfd012e115aae56e40de5380750ee2332 10530 95466799088',
  'synthetic:concurrent-60 stress seed=7': '9c219b1fb3f1f04caef2dff3d48680367d02da967e9a295eb4b667e4148f08e7 9693 274489647368',
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
