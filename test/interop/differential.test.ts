import { Dsl } from './differential/dsl';
import { acls } from './differential/part-acl';
import { basics } from './differential/part-basics';
import { extended } from './differential/part-extended';
import { multi } from './differential/part-multi';
import { sessions } from './differential/part-sessions';
import { unusualOpcodes } from './differential/part-unusual-opcodes';
import { watches } from './differential/part-watches';
import { Recorder, type Entry } from '../support/transcript';
import { diffLines, saveTranscript, transcriptLines } from '../support/transcript-diff';
import { referenceTarget, targets, type Target } from '../support/targets';

/**
 * The differential test: one long scripted conversation in raw jute (every opcode, every
 * error path we know of, watches, sessions, containers, TTLs, quotas), sent to Apache
 * ZooKeeper and to zoolab, recorded and normalized (see Recorder), then compared part by
 * part. Apache ZooKeeper's transcript is saved to a temp file and its path printed.
 */
const PARTS: [string, (d: Dsl) => Promise<void>][] = [
  ['basics', basics],
  ['acl', acls],
  ['multi', multi],
  ['watches', watches],
  ['sessions', sessions],
  ['extended', extended],
  ['unusual-opcodes', unusualOpcodes],
];

async function record(target: Target): Promise<Entry[]> {
  const server = await target.start({ superUser: 'super:secret', tickTime: 200 });
  const r = new Recorder(server);
  try {
    for (const [, part] of PARTS) {
      try {
        await part(new Dsl(r));
      } catch (e) {
        r.entries.push({ aborted: (e as Error).stack?.split('\n').slice(0, 3).join(' | ') });
      }
      await r.closeAll();
    }
  } finally {
    await r.closeAll().catch(() => undefined);
    await server.stop();
  }
  return r.entries;
}

function partOf(entries: Entry[], name: string): string[] {
  const start = entries.findIndex((e) => e.part === name);
  if (start === -1) return [];
  const end = entries.findIndex((e, i) => i > start && e.part !== undefined);
  return transcriptLines(entries.slice(start, end === -1 ? undefined : end));
}

describe('differential: one raw-jute conversation, Apache ZooKeeper vs each target', () => {
  let reference: Entry[] = [];

  beforeAll(async () => {
    reference = await record(referenceTarget);
    const file = saveTranscript('zookeeper-reference', reference);
    // eslint-disable-next-line no-console
    console.log(`Apache ZooKeeper transcript (${reference.length} entries): ${file}`);
  }, 180000);

  describe.each(targets)('$name', (target) => {
    let actual: Entry[] = [];
    beforeAll(async () => {
      actual = await record(target);
      const file = saveTranscript(target.name, actual);
      // eslint-disable-next-line no-console
      console.log(`${target.name} transcript (${actual.length} entries): ${file}`);
    }, 180000);

    test.each(PARTS.map(([name]) => name))('answers part "%s" exactly like Apache ZooKeeper', (name) => {
      const want = partOf(reference, name);
      const got = partOf(actual, name);
      expect(want.length).toBeGreaterThan(1);
      const diff = diffLines(want, got, 3, ['zookeeper', target.name]);
      if (diff) throw new Error(`transcripts differ in part "${name}":\n${diff}`);
    });
  });
});
