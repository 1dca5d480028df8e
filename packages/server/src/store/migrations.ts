// Versioned schemas, one list per database. Append a new entry for every change; never edit an applied one.
// The two lists describe the same tables (sql.ts runs the same queries on both): a change to one needs its twin
// in the other, which the store conformance tests catch when forgotten. They are twins on purpose, not one list
// generated for both: the dialects differ in types and in what ALTER TABLE can do (SQLite rebuilds a table
// where PostgreSQL alters it), their histories differ (PostgreSQL started from the tables SQLite had by then),
// and an applied migration must stay exactly the text that was applied.

export interface Migration {
  version: number;
  sql: string;
}

export const SQLITE_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

      CREATE TABLE accounts (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL
      );
      CREATE TABLE credentials (
        access_key_id TEXT PRIMARY KEY,
        account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        secret TEXT NOT NULL,
        session_token TEXT
      );
      CREATE INDEX credentials_account ON credentials(account_id);

      CREATE TABLE vpcs (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        vpc_id TEXT NOT NULL UNIQUE,
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        doc TEXT NOT NULL
      );
      CREATE INDEX vpcs_owner_page ON vpcs(account_id, region, seq);

      CREATE TABLE peerconns (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        vpc_lo TEXT NOT NULL,
        vpc_hi TEXT NOT NULL,
        live INTEGER NOT NULL,
        doc TEXT NOT NULL
      );
      -- Second line of defence behind the in-transaction check: one live connection per unordered VPC pair.
      CREATE UNIQUE INDEX peerconns_live_pair ON peerconns(vpc_lo, vpc_hi) WHERE live = 1;

      CREATE TABLE peerconn_sides (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        if_id TEXT NOT NULL UNIQUE,
        peerconn_id TEXT NOT NULL,
        role TEXT NOT NULL,
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        vpc_id TEXT NOT NULL,
        live INTEGER NOT NULL
      );
      CREATE INDEX sides_owner_page ON peerconn_sides(account_id, region, seq);
      CREATE INDEX sides_owner_vpc_page ON peerconn_sides(account_id, region, vpc_id, seq);
      CREATE INDEX sides_vpc_live ON peerconn_sides(vpc_id, live);
      CREATE INDEX sides_account_live ON peerconn_sides(account_id, live, peerconn_id);
      CREATE INDEX sides_peerconn ON peerconn_sides(peerconn_id);

      CREATE TABLE transitions (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        peerconn_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        side TEXT NOT NULL,
        due_at INTEGER,
        UNIQUE (peerconn_id, kind, side)
      );
      CREATE INDEX transitions_due ON transitions(due_at, seq) WHERE due_at IS NOT NULL;

      CREATE TABLE client_tokens (
        account_id TEXT NOT NULL,
        token TEXT NOT NULL,
        operation TEXT NOT NULL,
        fingerprint TEXT NOT NULL,
        response TEXT NOT NULL,
        last_used_at INTEGER NOT NULL,
        PRIMARY KEY (account_id, token)
      );
      CREATE INDEX client_tokens_last_used ON client_tokens(last_used_at);
    `,
  },
  {
    // Regions are separate services at Baidu, so a clientToken is scoped to (account, region). Tokens of
    // version 1 cannot be placed in a region; they are kept under '' and never match again.
    version: 2,
    sql: `
      CREATE TABLE client_tokens_v2 (
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        token TEXT NOT NULL,
        operation TEXT NOT NULL,
        fingerprint TEXT NOT NULL,
        response TEXT NOT NULL,
        last_used_at INTEGER NOT NULL,
        PRIMARY KEY (account_id, region, token)
      );
      INSERT INTO client_tokens_v2
        SELECT account_id, '', token, operation, fingerprint, response, last_used_at FROM client_tokens;
      DROP TABLE client_tokens;
      ALTER TABLE client_tokens_v2 RENAME TO client_tokens;
      CREATE INDEX client_tokens_last_used ON client_tokens(last_used_at);
    `,
  },
  {
    // Credentials get an explicit creation order (PostgreSQL has no rowid); fault rules and the timeline of
    // state changes move into the database so that every server process sees the same ones.
    version: 3,
    sql: `
      CREATE TABLE credentials_v3 (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        access_key_id TEXT NOT NULL UNIQUE,
        account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        secret TEXT NOT NULL,
        session_token TEXT
      );
      INSERT INTO credentials_v3 (access_key_id, account_id, secret, session_token)
        SELECT access_key_id, account_id, secret, session_token FROM credentials ORDER BY rowid;
      DROP TABLE credentials;
      ALTER TABLE credentials_v3 RENAME TO credentials;
      CREATE INDEX credentials_account ON credentials(account_id);

      CREATE TABLE fault_rules (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        rule TEXT NOT NULL,
        remaining INTEGER
      );

      CREATE TABLE events (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        peerconn_id TEXT NOT NULL,
        at INTEGER NOT NULL,
        body TEXT NOT NULL
      );
      CREATE INDEX events_peerconn ON events(peerconn_id, seq);
    `,
  },
  {
    // Subnets and route tables. Every VPC has one route table from its creation on; VPCs of older databases
    // get theirs here, with an id of the same form as new ones (rt- and 12 characters of [a-z0-9]).
    version: 4,
    sql: `
      CREATE TABLE route_tables (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        route_table_id TEXT NOT NULL UNIQUE,
        vpc_id TEXT NOT NULL UNIQUE,
        account_id TEXT NOT NULL,
        region TEXT NOT NULL
      );
      INSERT INTO route_tables (route_table_id, vpc_id, account_id, region)
        SELECT 'rt-' || lower(hex(randomblob(6))), vpc_id, account_id, region FROM vpcs ORDER BY seq;

      CREATE TABLE subnets (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        subnet_id TEXT NOT NULL UNIQUE,
        vpc_id TEXT NOT NULL,
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        zone_name TEXT NOT NULL,
        subnet_type TEXT NOT NULL,
        doc TEXT NOT NULL
      );
      CREATE INDEX subnets_owner_page ON subnets(account_id, region, seq);
      CREATE INDEX subnets_vpc ON subnets(vpc_id, seq);

      CREATE TABLE route_rules (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        route_rule_id TEXT NOT NULL UNIQUE,
        route_table_id TEXT NOT NULL,
        source_address TEXT NOT NULL,
        destination_address TEXT NOT NULL,
        doc TEXT NOT NULL
      );
      CREATE INDEX route_rules_table_page ON route_rules(route_table_id, seq);
      -- Second line of defence behind the in-transaction check: one rule per source and destination.
      CREATE UNIQUE INDEX route_rules_pair ON route_rules(route_table_id, source_address, destination_address);
    `,
  },
  {
    // The number of live connections each account takes part in, kept by every write that changes a side
    // (store/sql.ts, saveSides), so the per-account quota check reads one row instead of counting them all.
    version: 5,
    sql: `
      CREATE TABLE account_live_peerconns (
        account_id TEXT PRIMARY KEY,
        n INTEGER NOT NULL
      );
      INSERT INTO account_live_peerconns (account_id, n)
        SELECT account_id, count(DISTINCT peerconn_id) FROM peerconn_sides WHERE live = 1 GROUP BY account_id;
    `,
  },
  {
    // The generic table of network resources (domain/resources.ts): ACL rules, security groups and their
    // rules, network interfaces, each kind a JSON document with its id, owner and parent as columns.
    version: 6,
    sql: `
      CREATE TABLE resources (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        kind TEXT NOT NULL,
        id TEXT NOT NULL,
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        parent_id TEXT NOT NULL,
        doc TEXT NOT NULL,
        UNIQUE (kind, id)
      );
      CREATE INDEX resources_owner_page ON resources(kind, account_id, region, seq);
      CREATE INDEX resources_parent ON resources(kind, parent_id, seq);
      CREATE INDEX resources_account ON resources(account_id);
    `,
  },
  {
    // Primary/standby route rules: the two rules of a pair share a source and destination, so the unique index
    // that keeps one rule per pair tells them apart by path_key (domain/route.ts pathKeyOf; '' for a normal rule).
    // And every VPC has a default security group from its creation on (domain/security-group.ts): VPCs of older
    // databases get theirs here, with ids of the same form as new ones, allowing everything in and out.
    // Random ids are drawn once into temporary tables, so each appears the same in its column and its document.
    version: 7,
    sql: `
      ALTER TABLE route_rules ADD COLUMN path_key TEXT NOT NULL DEFAULT '';
      DROP INDEX route_rules_pair;
      CREATE UNIQUE INDEX route_rules_pair
        ON route_rules(route_table_id, source_address, destination_address, path_key);

      CREATE TEMP TABLE default_groups AS
        SELECT v.seq, v.vpc_id, v.account_id, v.region, json_extract(v.doc, '$.createdAt') AS created_at,
               'g-' || lower(hex(randomblob(6))) AS id
        FROM vpcs v
        WHERE NOT EXISTS (
          SELECT 1 FROM resources r
          WHERE r.kind = 'securityGroup' AND r.parent_id = v.vpc_id AND json_extract(r.doc, '$.isDefault') = 1
        );
      CREATE TEMP TABLE default_group_rules AS
        SELECT g.seq, d.n, d.direction, g.id AS group_id, g.vpc_id, g.account_id, g.region, g.created_at,
               'r-' || lower(hex(randomblob(6))) AS id
        FROM default_groups g, (SELECT 1 AS n, 'ingress' AS direction UNION ALL SELECT 2, 'egress') d;

      INSERT INTO resources (kind, id, account_id, region, parent_id, doc)
        SELECT 'securityGroup', id, account_id, region, vpc_id,
               json_object('accountId', account_id, 'region', region, 'vpcId', vpc_id, 'createdAt', created_at,
                           'securityGroupId', id, 'name', '默认安全组', 'desc', 'default', 'tags', json('[]'),
                           'isDefault', json('true'), 'version', 0)
        FROM default_groups ORDER BY seq;
      INSERT INTO resources (kind, id, account_id, region, parent_id, doc)
        SELECT 'securityGroupRule', id, account_id, region, group_id,
               json_object('accountId', account_id, 'region', region, 'vpcId', vpc_id, 'createdAt', created_at,
                           'securityGroupRuleId', id, 'securityGroupId', group_id, 'remark', '',
                           'direction', direction, 'ethertype', 'IPv4', 'portRange', '1-65535', 'protocol', 'all',
                           'sourceGroupId', '', 'sourceIp', CASE direction WHEN 'ingress' THEN 'all' ELSE '' END,
                           'destGroupId', '', 'destIp', CASE direction WHEN 'egress' THEN 'all' ELSE '' END,
                           'updatedAt', created_at)
        FROM default_group_rules ORDER BY seq, n;

      DROP TABLE default_group_rules;
      DROP TABLE default_groups;
    `,
  },
];

/** The same tables as SQLite's list ends with, in PostgreSQL's types. */
export const POSTGRES_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

      CREATE TABLE accounts (
        seq BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL
      );
      CREATE TABLE credentials (
        seq BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        access_key_id TEXT NOT NULL UNIQUE,
        account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        secret TEXT NOT NULL,
        session_token TEXT
      );
      CREATE INDEX credentials_account ON credentials(account_id);

      CREATE TABLE vpcs (
        seq BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        vpc_id TEXT NOT NULL UNIQUE,
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        doc TEXT NOT NULL
      );
      CREATE INDEX vpcs_owner_page ON vpcs(account_id, region, seq);

      CREATE TABLE peerconns (
        seq BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        vpc_lo TEXT NOT NULL,
        vpc_hi TEXT NOT NULL,
        live INTEGER NOT NULL,
        doc TEXT NOT NULL
      );
      CREATE UNIQUE INDEX peerconns_live_pair ON peerconns(vpc_lo, vpc_hi) WHERE live = 1;

      CREATE TABLE peerconn_sides (
        seq BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        if_id TEXT NOT NULL UNIQUE,
        peerconn_id TEXT NOT NULL,
        role TEXT NOT NULL,
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        vpc_id TEXT NOT NULL,
        live INTEGER NOT NULL
      );
      CREATE INDEX sides_owner_page ON peerconn_sides(account_id, region, seq);
      CREATE INDEX sides_owner_vpc_page ON peerconn_sides(account_id, region, vpc_id, seq);
      CREATE INDEX sides_vpc_live ON peerconn_sides(vpc_id, live);
      CREATE INDEX sides_account_live ON peerconn_sides(account_id, live, peerconn_id);
      CREATE INDEX sides_peerconn ON peerconn_sides(peerconn_id);

      CREATE TABLE transitions (
        seq BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        peerconn_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        side TEXT NOT NULL,
        due_at BIGINT,
        UNIQUE (peerconn_id, kind, side)
      );
      CREATE INDEX transitions_due ON transitions(due_at, seq) WHERE due_at IS NOT NULL;

      CREATE TABLE client_tokens (
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        token TEXT NOT NULL,
        operation TEXT NOT NULL,
        fingerprint TEXT NOT NULL,
        response TEXT NOT NULL,
        last_used_at BIGINT NOT NULL,
        PRIMARY KEY (account_id, region, token)
      );
      CREATE INDEX client_tokens_last_used ON client_tokens(last_used_at);

      CREATE TABLE fault_rules (
        seq BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        rule TEXT NOT NULL,
        remaining INTEGER
      );

      CREATE TABLE events (
        seq BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        peerconn_id TEXT NOT NULL,
        at BIGINT NOT NULL,
        body TEXT NOT NULL
      );
      CREATE INDEX events_peerconn ON events(peerconn_id, seq);
    `,
  },
  {
    // As SQLite's version 4: subnets and route tables, and a route table for every VPC already there.
    version: 2,
    sql: `
      CREATE TABLE route_tables (
        seq BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        route_table_id TEXT NOT NULL UNIQUE,
        vpc_id TEXT NOT NULL UNIQUE,
        account_id TEXT NOT NULL,
        region TEXT NOT NULL
      );
      INSERT INTO route_tables (route_table_id, vpc_id, account_id, region)
        SELECT 'rt-' || substr(md5(random()::text || clock_timestamp()::text || vpc_id), 1, 12),
               vpc_id, account_id, region
        FROM vpcs ORDER BY seq;

      CREATE TABLE subnets (
        seq BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        subnet_id TEXT NOT NULL UNIQUE,
        vpc_id TEXT NOT NULL,
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        zone_name TEXT NOT NULL,
        subnet_type TEXT NOT NULL,
        doc TEXT NOT NULL
      );
      CREATE INDEX subnets_owner_page ON subnets(account_id, region, seq);
      CREATE INDEX subnets_vpc ON subnets(vpc_id, seq);

      CREATE TABLE route_rules (
        seq BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        route_rule_id TEXT NOT NULL UNIQUE,
        route_table_id TEXT NOT NULL,
        source_address TEXT NOT NULL,
        destination_address TEXT NOT NULL,
        doc TEXT NOT NULL
      );
      CREATE INDEX route_rules_table_page ON route_rules(route_table_id, seq);
      CREATE UNIQUE INDEX route_rules_pair ON route_rules(route_table_id, source_address, destination_address);
    `,
  },
  {
    // The number of live connections each account takes part in, kept by every write that changes a side
    // (store/sql.ts, saveSides), so the per-account quota check reads one row instead of counting them all.
    version: 3,
    sql: `
      CREATE TABLE account_live_peerconns (
        account_id TEXT PRIMARY KEY,
        n INTEGER NOT NULL
      );
      INSERT INTO account_live_peerconns (account_id, n)
        SELECT account_id, count(DISTINCT peerconn_id) FROM peerconn_sides WHERE live = 1 GROUP BY account_id;
    `,
  },
  {
    // As SQLite's version 6: the generic table of network resources.
    version: 4,
    sql: `
      CREATE TABLE resources (
        seq BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        kind TEXT NOT NULL,
        id TEXT NOT NULL,
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        parent_id TEXT NOT NULL,
        doc TEXT NOT NULL,
        UNIQUE (kind, id)
      );
      CREATE INDEX resources_owner_page ON resources(kind, account_id, region, seq);
      CREATE INDEX resources_parent ON resources(kind, parent_id, seq);
      CREATE INDEX resources_account ON resources(account_id);
    `,
  },
  {
    // As SQLite's version 7: the index that tells the rules of a primary/standby pair apart, and a default
    // security group (with its two allow-all rules) for every VPC already there.
    version: 5,
    sql: `
      ALTER TABLE route_rules ADD COLUMN path_key TEXT NOT NULL DEFAULT '';
      DROP INDEX route_rules_pair;
      CREATE UNIQUE INDEX route_rules_pair
        ON route_rules(route_table_id, source_address, destination_address, path_key);

      CREATE TEMP TABLE default_groups ON COMMIT DROP AS
        SELECT v.seq, v.vpc_id, v.account_id, v.region, (v.doc::json -> 'createdAt') AS created_at,
               'g-' || substr(md5(random()::text || clock_timestamp()::text || v.vpc_id), 1, 12) AS id
        FROM vpcs v
        WHERE NOT EXISTS (
          SELECT 1 FROM resources r
          WHERE r.kind = 'securityGroup' AND r.parent_id = v.vpc_id AND (r.doc::json ->> 'isDefault') = 'true'
        );
      CREATE TEMP TABLE default_group_rules ON COMMIT DROP AS
        SELECT g.seq, d.n, d.direction, g.id AS group_id, g.vpc_id, g.account_id, g.region, g.created_at,
               'r-' || substr(md5(random()::text || clock_timestamp()::text || g.id || d.direction), 1, 12) AS id
        FROM default_groups g, (VALUES (1, 'ingress'), (2, 'egress')) AS d(n, direction);

      INSERT INTO resources (kind, id, account_id, region, parent_id, doc)
        SELECT 'securityGroup', id, account_id, region, vpc_id,
               json_build_object('accountId', account_id, 'region', region, 'vpcId', vpc_id,
                                 'createdAt', created_at, 'securityGroupId', id, 'name', '默认安全组',
                                 'desc', 'default', 'tags', '[]'::json, 'isDefault', true, 'version', 0)::text
        FROM default_groups ORDER BY seq;
      INSERT INTO resources (kind, id, account_id, region, parent_id, doc)
        SELECT 'securityGroupRule', id, account_id, region, group_id,
               json_build_object('accountId', account_id, 'region', region, 'vpcId', vpc_id,
                                 'createdAt', created_at, 'securityGroupRuleId', id, 'securityGroupId', group_id,
                                 'remark', '', 'direction', direction, 'ethertype', 'IPv4', 'portRange', '1-65535',
                                 'protocol', 'all', 'sourceGroupId', '',
                                 'sourceIp', CASE direction WHEN 'ingress' THEN 'all' ELSE '' END,
                                 'destGroupId', '', 'destIp', CASE direction WHEN 'egress' THEN 'all' ELSE '' END,
                                 'updatedAt', created_at)::text
        FROM default_group_rules ORDER BY seq, n;
    `,
  },
];
