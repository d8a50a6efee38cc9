import { runKazooScript } from '../support/kazoo';
import { targets, useServer, type TargetName } from '../support/targets';

/**
 * The Python client kazoo 2.8 (Debian's python3-kazoo) against each target. Each script
 * under kazoo/ prints one JSON object; the tests hold it to what Apache ZooKeeper 3.8 was
 * seen to answer, and when both targets run, zoolab's output must equal ZooKeeper's.
 */
const SCRIPTS = ['crud', 'acl', 'multi', 'watches', 'session'] as const;
type Script = (typeof SCRIPTS)[number];
const outputs: Partial<Record<TargetName, Partial<Record<Script, Record<string, any>>>>> = {};

const stat = (s: Partial<Record<string, unknown>>) => expect.objectContaining(s);

describe.each(targets)('kazoo 2.8 against $name', (target) => {
  const server = useServer(target, { superUser: 'super:secret' });
  const run = async (script: Script) => {
    const out = await runKazooScript(script, server().connectString);
    (outputs[target.name] ??= {})[script] = out;
    return out;
  };

  test('creates in every mode, reads, updates and deletes with the errors kazoo expects', async () => {
    const r = await run('crud');
    expect(r).toMatchObject({
      persistent: '/k/p',
      ephemeral: '/k/e',
      sequential: ['/k/s-0000000002', '/k/s-0000000003', '/k/s-0000000004'],
      ephemeral_sequential: '/k/es-0000000005',
      makepath: '/k/a/b/c',
      include_data: ['/k/with-stat', stat({ dataLength: 5, version: 0, ephemeral: false })],
      container: ['/k/container'],
      ttl: ['/k/ttl'],
      ttl_sequential: '/k/ttl-0000000010',
      ttl_stat_ephemeral: 0,
      ttl_zero: { error: 'BadArgumentsError' },
      container_missing_parent: { error: 'NoNodeError' },
      create_exists: { error: 'NodeExistsError' },
      create_no_parent: { error: 'NoNodeError' },
      create_under_ephemeral: { error: 'NoChildrenForEphemeralsError' },
      get: ['p', stat({ version: 0, dataLength: 1 })],
      get_missing: { error: 'NoNodeError' },
      exists_missing: null,
      exists_ephemeral: stat({ ephemeral: true }),
      set: stat({ version: 1, dataLength: 2 }),
      set_bad_version: { error: 'BadVersionError' },
      set_any: stat({ version: 2 }),
      set_missing: { error: 'NoNodeError' },
      children_with_stat: [expect.any(Array), stat({ numChildren: 11, cversion: 11 })],
      children_missing: { error: 'NoNodeError' },
      delete_bad_version: { error: 'BadVersionError' },
      delete_not_empty: { error: 'NotEmptyError' },
      delete: { ok: true },
      delete_missing: { error: 'NoNodeError' },
      after_recursive: null,
      ensure_path: { ok: '/k/x/y/z' },
      ensure_exists: true,
      sync: '/k',
      sync_root: '/',
      big: 500000,
      unicode: '\u2603',
      ruok: 'imok',
    });
    expect(r.root_children).toEqual(expect.arrayContaining(['k', 'zookeeper']));
    // Each failed write consumes a zxid, as in ZooKeeper: set's mzxid shows it.
    expect(r.set.mzxid).toBe(20);
  });

  test('enforces world, auth, digest and ip ACLs, add_auth, super, and answers whoami', async () => {
    const r = await run('acl');
    const alice = [31, 'digest', 'alice:aYXlLOpEooaV1cRAvUL1fp9Qt7E='];
    expect(r).toMatchObject({
      whoami_owner: [['digest', 'alice'], ['ip', '127.0.0.1']],
      whoami_other: [['ip', '127.0.0.1']],
      digest_acl: [alice],
      digest_owner_get: 'd',
      digest_other_get: { error: 'NoAuthError' },
      digest_other_exists: true,
      digest_other_children: { error: 'NoAuthError' },
      digest_other_get_acls: { error: 'NoAuthError' },
      digest_other_set: { error: 'NoAuthError' },
      creator_acl: [alice],
      creator_without_auth: { error: 'InvalidACLError' },
      ro_get: 'ro',
      ro_set: { error: 'NoAuthError' },
      ro_create_child: { error: 'NoAuthError' },
      ro_set_acls: { error: 'NoAuthError' },
      ip_get: 'ip',
      ip_other_get: { error: 'NoAuthError' },
      bad_ip_acl: { error: 'InvalidACLError' },
      bad_scheme_acl: { error: 'InvalidACLError' },
      empty_acl_means_kazoo_default: { ok: '/acl/bad' },
      after_add_auth_get: 'd',
      whoami_after_add_auth: [['digest', 'alice'], ['ip', '127.0.0.1']],
      set_acls_bad_version: { error: 'BadVersionError' },
      set_acls: stat({ aversion: 1, version: 0 }),
      set_acls_result: [[1, 'world', 'anyone'], [31, 'world', 'anyone']],
      set_acls_no_admin: { error: 'NoAuthError' },
      set_acls_missing: { error: 'NoNodeError' },
      get_acls_missing: { error: 'NoNodeError' },
      super_get: 'locked',
      super_whoami: [['digest', 'super'], ['ip', '127.0.0.1'], ['super', '']],
      bad_auth: { error: 'AuthFailedError' },
    });
  });

  test('commits transactions all or nothing, with RolledBack / the error / RuntimeInconsistency', async () => {
    const r = await run('multi');
    expect(r).toMatchObject({
      success: ['/tx/a', '/tx/s-0000000001', '/tx/e', stat({ version: 1, cversion: 3 }), true, true],
      after_success: ['e', 's-0000000001'],
      failed_check: ['RolledBackError', 'BadVersionError', 'RuntimeInconsistency'],
      after_failed_check: [['e', 's-0000000001'], 'tx1'],
      failed_first: ['NoNodeError', 'RuntimeInconsistency'],
      failed_duplicate: ['RolledBackError', 'NodeExistsError'],
      after_duplicate: null,
      failed_under_ephemeral: ['NoChildrenForEphemeralsError'],
      sees_own_effects: ['/tx/x', '/tx/x/y', stat({ version: 1 }), true, true, true],
      context_manager: true,
      empty: [],
      final: ['ctx', 'e', 's-0000000001'],
    });
  });

  test('delivers one-shot, recipe, persistent and persistent-recursive watch events', async () => {
    const r = await run('watches');
    expect(r).toEqual({
      data_watch: [['get', 'CHANGED', 'CONNECTED', '/w']],
      data_watch_is_one_shot: [],
      exist_watch_created: [['exists', 'CREATED', 'CONNECTED', '/w/new']],
      exist_watch_deleted: [['exists', 'DELETED', 'CONNECTED', '/w/new']],
      child_watch: [['children', 'CHILD', 'CONNECTED', '/w']],
      delete_fires_data_and_child: [
        ['children', 'CHILD', 'CONNECTED', '/w'],
        ['get', 'DELETED', 'CONNECTED', '/w/c'],
      ],
      data_watch_recipe: [null, ['a', 0], ['b', 1], null],
      children_watch_recipe: [[], ['k1'], ['k1', 'k2'], ['k2']],
      add_watch_persistent: 0,
      persistent_events: [
        [1, 3, '/pw'],
        [3, 3, '/pw'],
        [4, 3, '/pw'],
        [4, 3, '/pw'],
        [3, 3, '/pw'],
      ],
      add_watch_recursive: 0,
      recursive_events: [
        [1, 3, '/rw'],
        [1, 3, '/rw/a'],
        [1, 3, '/rw/a/b'],
        [3, 3, '/rw/a/b'],
        [2, 3, '/rw/a/b'],
        [3, 3, '/rw'],
      ],
    });
  });

  test('resumes sessions, keeps ephemerals across a dropped connection, and expires them', async () => {
    const r = await run('session');
    expect(r).toEqual({
      drop_states: ['SUSPENDED', 'CONNECTED'],
      drop_same_session: true,
      drop_watch_fired_none: [['NONE', null]],
      drop_data_watch_recipe: ['s0', 'changed while disconnected'],
      drop_ephemeral_kept: true,
      resume_same_session: true,
      resume_ephemeral_kept: true,
      resume_owner: true,
      resume_close_deletes: true,
      expiry_events: [
        ['CHILD', '/s'],
        ['DELETED', '/s/doomed'],
      ],
      expiry_within_timeout_bound: true,
      expiry_ephemeral_gone: true,
      expired_resume_states: ['CONNECTED'],
      expired_resume_new_session: true,
      close_deletes_ephemeral: true,
    });
  });
});

const both = targets.length === 2 ? describe : describe.skip;
both('kazoo sees zoolab exactly as it sees Apache ZooKeeper', () => {
  test.each(SCRIPTS)('%s.py prints the same JSON against both', (script) => {
    const zk = outputs.zookeeper?.[script];
    const zl = outputs.zoolab?.[script];
    if (!zk || !zl) throw new Error(`${script}.py did not complete against ${zk ? 'zoolab' : 'zookeeper'}`);
    expect(zl).toEqual(zk);
  });
});
