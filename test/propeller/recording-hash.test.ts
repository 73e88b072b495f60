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
 *
 * Re-taken when a simulated execution's end (`ended`) moved from the return of its terminal write
 * to its terminal workflow transition, the instant a folded log gives it. With `ended` blanked in
 * both, the old and the new Recordings hashed the same in every case; events and end times are
 * unchanged.
 *
 * Re-taken when a node stopped being ready while an upstream's status changed in the same round
 * (CanExecute: a dirty upstream is NotReady). A join whose last upstream finished in a round used
 * to start in that round; it now starts in the next, as in propeller. Only cases with joins moved.
 *
 * Re-taken when the abort of a failing workflow became propeller's AbortHandler walk (from the start
 * node, nested DAGs before their node's event) with its calls: a pod DELETE under the kube client's
 * QPS/burst and a task event ABORTED per running task, one task event per ArrayNode. Only the nine
 * cases that abort something moved (more engine events; some ends moved where an abort round's extra
 * event was throttled and retried later).
 *
 * Re-taken when a repeated DELETE of a pod an abort already deleted stopped costing a call
 * (propeller's kube client remembers what it deleted): only cases whose aborts reach a pod again
 * (a node reached twice, an abort round that failed and was redone) moved.
 *
 * Re-taken when an abort went on past a node whose abort failed (AbortHandler collects the errors):
 * three stress cases, whose abort rounds have event failures, moved.
 *
 * Re-taken when an ArrayNode stopped sending its task event in rounds where its subtasks only
 * changed node phase (NotYetStarted→Queued, Succeeding→Succeeded, a retry starting): it reports what
 * its subtasks' task handlers recorded (event_recorder.go). Only the cases with map tasks moved
 * (fewer events; later rounds shift, so some end times moved too).
 *
 * Re-taken when map subtasks' task events entered the Recording: each new plugin phase of a subtask
 * is a `bufferedTaskEvent` op and a task phase of the subtask (as propeller's logs show them), and a
 * failing array's own event says FAILED. Only the map cases moved; events and end times unchanged.
 *
 * Re-taken when a repeated abort's DELETE became a kube call again (master's kube client has no
 * write-through filter): only the stress cases whose aborts reach a pod twice moved (more engine
 * events, as the calls take time; end times unchanged).
 */
const EXPECTED: Record<string, string> = {
  'cached-dataframe-cr.yaml default seed=1': '315849398f463bf8bd26d16ffb63325dacee81f4a449ace51096a04bcebb5040 198 67552304132',
  'cached-dataframe-cr.yaml default seed=propsim': '0bd5968d02bca89869eb4c754dec84354dd90d9c978fd78b21c6404892045c4d 192 65466799088',
  'cached-dataframe-cr.yaml flyte-core seed=7': '65f4659b44f307f8c7c9d859f113df7a99d57355e12f2db126f54f104ee07a6f 185 104571270044',
  'cached-dataframe-cr.yaml stress seed=7': '92e0354101c0207cbdbc35123086e09e36bb00918425e727128f35c57c22c981 224 74489647368',
  'chained-cache.yaml default seed=1': 'd55f787cbc313b9fbdef394df5c87f2b026cdd3af207376b14bd0a386af95858 1350 527552304132',
  'chained-cache.yaml default seed=propsim': 'c8432b944304bb4f2c1ea1d46582616377bc1279543809f5550709b42c25178b 1337 515466799088',
  'chained-cache.yaml flyte-core seed=7': '7523e697b9a5552729412faf85305e4f2eb7fb634fc57f21ce01cd5d5e6166f1 1218 643468942106',
  'chained-cache.yaml stress seed=7': '66498e24a8c620386b46e822ab3d0ce6b1980a78cffd42809ce910aaf18a872c 1455 544489647368',
  'hello.yaml default seed=1': '44c232066288b3145d26702ca03a31eead6d6221621f37a1a5a045a092185f63 79 17552304132',
  'hello.yaml default seed=propsim': 'bcd648466d3d4c980173eb960c83b7cdc4d8454cd32c54079e77eeae8fb2b16a 79 15466799088',
  'hello.yaml flyte-core seed=7': 'caf2cd9a53044d4376d5350fdfc37eb571f6e2a02a4930d88b67725a67d87909 78 43468942106',
  'hello.yaml stress seed=7': '233595dcd7f554ab66f0b1e1dbe5644fffee16dd95df4c03583d08a47409f3e7 103 24489647368',
  'large-workflow.yaml default seed=1': 'c7430f864bd9ccfcd995bbfc42d9cf9f23a5bfc2211605f25b01dbae6e56672f 16654 317552304132',
  'large-workflow.yaml default seed=propsim': '77a98082ddf0a51ba0a74f715cdd3503512233d8d929ad54fbbd47ab124f8f93 16707 325466799088',
  'large-workflow.yaml flyte-core seed=7': 'cc32c44949feae102a66cc353c7afe837193c984a1db6d0eb0dca97ed0f46cd5 16299 381364093982',
  'large-workflow.yaml stress seed=7': 'f535703d22b070f5245d083796bcf7ae9378a07fa332e53f7bb84950b25907a0 2950 624489647368',
  'map-fanout.yaml default seed=1': 'fe594dda29c19c5a0c60f97b9ba1e69b0d92f167addb49d078b1d722d69b11f2 12191 177552304132',
  'map-fanout.yaml default seed=propsim': '45496d2bddf62b3cfe2128ce39e1f52773183e8031d488385ae608081464d10f 12205 165466799088',
  'map-fanout.yaml flyte-core seed=7': '03987d7e897a201149f7facd64a207069dac28fb5fd5b6b855222e592594f68c 9570 237763861475',
  'map-fanout.yaml stress seed=7': 'f0f2db0ec969c4b6c0a94c5bd13246dd248262e1cee63d32d0a1208b6cde8b27 10492 714489647368',
  'mixed-load.yaml default seed=1': '7d9fc12a82931ddc5cb15a6ba9a83bea744684b547025ef6162880dd921b07e4 17397 307552304132',
  'mixed-load.yaml default seed=propsim': 'df84ddbdbb002feacff758c99ae3bab98c18ad898caf829c0945101092d94e82 17053 305466799088',
  'mixed-load.yaml flyte-core seed=7': 'b8989aa55f699b5796a4efde4fbcadead068d671b7b4aaa03d3bbf4dc71d7df4 10272 382532957925',
  'mixed-load.yaml stress seed=7': '3a595f5d806284febb165376a901bfa17f42f5f9c4b80b954c4c63676f49899f 11384 376173775389',
  'nested-dynamic.yaml default seed=1': '3c45dae1969047ea0c3ca782ab61f30d8170434ea3988ff7a7004153a5307b1d 1122 137552304132',
  'nested-dynamic.yaml default seed=propsim': 'e1a70f27518b22ea95a3fd88c1a0521f607db2ba02c1d5cb2909cf1d233b4f4c 1169 145466799088',
  'nested-dynamic.yaml flyte-core seed=7': 'ff7f1605a52676efce73789b4d9e5b599aad80651d858459633a7053bdbabc14 839 180412011117',
  'nested-dynamic.yaml stress seed=7': '0f51da861bb548300b86768f135851593e0604c45b90ea221d9ac7e0ebe3b095 726 183418626699',
  'parallel-subworkflows.yaml default seed=1': 'ae80edc126081d0f18c96a6252288f5644ca45d765415f7d30008d58686d2941 1182 117552304132',
  'parallel-subworkflows.yaml default seed=propsim': '5b58185609c2cf79862783ad6a8a70d2ff9ad8254c5c5d59bf01a552f4b1e50c 1157 125466799088',
  'parallel-subworkflows.yaml flyte-core seed=7': '6ca619c153d51b0f937d26dd8cc82e3e9e4aa2c3bc9537c7abcc292fc4b1d6b6 917 182375479095',
  'parallel-subworkflows.yaml stress seed=7': '021266a864a098c359113628015544f16f74b070efa1504fcbc8b060f80679df 1113 154355750318',
  'short-tasks.yaml default seed=1': '0b35960d49719507aeb6609f4f9ba95aff5c749a962c6b2633c4007b12ef3891 1458 147552304132',
  'short-tasks.yaml default seed=propsim': '5dcc27ecd70393330fd32085c57f565fef02c31acaa805f3381ac6db58c88df2 1427 155466799088',
  'short-tasks.yaml flyte-core seed=7': '8e0e45fda4fbd3bb085fffecd571841bbe7fdb9451d29291cbc37c4fb91c4df6 1162 288127015450',
  'short-tasks.yaml stress seed=7': '739b2e39ff7b22a79be2a8d8e05dbefb171c58ece0b37f8afe5b8d42392a3254 1150 296586462528',
  'too-large.yaml default seed=1': 'c5411a390a5d94abcaa56053a4a13e1f143bdbc072de41027e20c9dcedbb41e8 1916 47552304132',
  'too-large.yaml default seed=propsim': '9d8bfe0c03d575c2664844699b33192189a4b7bd6a2e519f2bc82b97a0ebb5d9 1789 55466799088',
  'too-large.yaml flyte-core seed=7': '6c951ff92d6730c7a14fe560243c0381a83b493b81700387cc03c1f80462ed88 1792 167364093982',
  'too-large.yaml stress seed=7': 'a92423eff63123c8525f487aed9bcdfc0ba8a9ee254629837770d9985227d335 2363 684489647368',
  'synthetic:zoo test seed=1': 'f8cc134160a0a30c1afcda647dc5447455eb490c62e9981b13b1ae7af26dfa5c 4994 157552304132',
  'synthetic:zoo test seed=propsim': 'bf4af194f7778febfe7665050523085408878489bfac9e0466ea97a0d203881c 4991 155466799088',
  'synthetic:zoo stress seed=7': 'f6991d4ab062ffa769c9464702b6cae6248eb70cbf34062b317c6aaccd48dd0d 3228 224489647368',
  'synthetic:chain-300 test seed=1': 'd5536929d0fa0befdd398f959ed615c3b5b8a2feb4d869ef0cb7f2e83171cffc 14219 4807552304132',
  'synthetic:chain-300 test seed=propsim': 'f113a4bed702e2da9e9606dee1cf653fbcdf87647fa8daf6807224ddd7e62eb7 14287 4905466799088',
  'synthetic:chain-300 stress seed=7': '5ef5121e317b41a52139d9aa1e02fd98b148ce18f480978ba89a1b8e7cc88d11 3254 1015291335879',
  'synthetic:fanout-300 test seed=1': '5a7831b3402deb6c9b9f7df0a0dabe6e4099072c08da5cf95e70d111ad79a977 7363 217552304132',
  'synthetic:fanout-300 test seed=propsim': '71dacd022beda75366715d1450194de36cbb042a5537839962ecf7d6a201ab6a 7293 215466799088',
  'synthetic:fanout-300 stress seed=7': '2652f582db4d6ccdbe95363275fc00f34075df485ee136eb56d36eeab6bbf721 1407 684489647368',
  'synthetic:map-1000 test seed=1': 'c6155ebb02388744708f46a9b832fc31c75773b86348bc36304cbd64312e8fe8 4454 47552304132',
  'synthetic:map-1000 test seed=propsim': 'e6a197562878ba450d7de9384f453d0a40fcc884ba3338dd10164f094dbd7c35 4474 45466799088',
  'synthetic:map-1000 stress seed=7': '0524d11f8fee8ad76babe3b84375d21d728eb36726fd1513a42b6e3c7a51111c 3517 269682046991',
  'synthetic:concurrent-60 test seed=1': 'b316fc288bf8b6ce9b595f06dc43b9a8a1fd6e6332378b9832a7c189467e3885 10594 87552304132',
  'synthetic:concurrent-60 test seed=propsim': 'ebd5e3e382a7d959fc48353130c49095e902f6bafd2a799ff1f2b23d9788ce5f 10598 95466799088',
  'synthetic:concurrent-60 stress seed=7': '873427700af95cd40b6f21c477a70a3ed85e129fc4666a213d94274216511485 9693 274489647368',
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
