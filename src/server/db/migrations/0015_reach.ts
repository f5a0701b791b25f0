import { sql, type Kysely } from 'kysely';

/**
 * Reaching members: getting in by invitation (no password read over the phone), staying signed in on
 * one's own phone, SMS sign-in codes, and the durable outbox (module `notify`) with its channels.
 *
 * - `invitation`: one-time, expiring, revocable links; only a hash of the token is kept. One open
 *   invitation per member (issuing a new one revokes the old in the same transaction).
 * - `session` gains an id (to list and end one's devices without showing token hashes), `remember`
 *   (a "remember this phone" session) and `last_seen_at`.
 * - `sms_login_code`: global by design like `login_attempt` (the phone is known before the tenant).
 * - `notification`: THE outbox. One row per (source, channel, recipient): a retry, a restart or two
 *   processes never make a second row; the dispatcher leases rows (`lease_until`) and records each
 *   try in `notification_attempt`. A recipient is a member (SMS, Web Push) or a robot (one digest
 *   per group).
 * - `notify_robot`: 企业微信 / 钉钉 / 飞书 group robots per unit; webhook and secret encrypted.
 * - `notify_sms_provider`: one SMS provider per tenant (阿里云 / 腾讯云 / the local sink); the
 *   credential encrypted. `sms_sink` is the local sink's outbox (default outside production).
 * - `sms_receipt`: delivery receipts as providers post them, de-duplicated.
 * - `push_subscription`: Web Push subscriptions per account and device.
 * - `notify_preference`: a member's choice per channel (SMS needs a recorded consent).
 * - `group_kit_mark`: the secretary marked a push / class "sent to the group" for a unit.
 * - `server_secret`: keys the server makes for itself (the VAPID key pair), encrypted.
 * - care tasks gain the kind 'unreachable' (no channel reaches the member and they are absent).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE invitation (
      tenant_id uuid NOT NULL REFERENCES tenant(id),
      id uuid NOT NULL DEFAULT gen_random_uuid(),
      member_id uuid NOT NULL,
      token_hash text NOT NULL,
      created_by uuid,
      created_at timestamptz NOT NULL DEFAULT lianxin_now(),
      expires_at timestamptz NOT NULL,
      used_at timestamptz,
      revoked_at timestamptz,
      failed_attempts integer NOT NULL DEFAULT 0,
      locked_until timestamptz,
      PRIMARY KEY (tenant_id, id),
      FOREIGN KEY (tenant_id, member_id) REFERENCES member(tenant_id, id)
    );
    CREATE UNIQUE INDEX invitation_token_uq ON invitation (token_hash);
    CREATE UNIQUE INDEX invitation_open_uq ON invitation (tenant_id, member_id) WHERE used_at IS NULL AND revoked_at IS NULL;

    ALTER TABLE session ADD COLUMN id uuid NOT NULL DEFAULT gen_random_uuid();
    ALTER TABLE session ADD COLUMN remember boolean NOT NULL DEFAULT false;
    ALTER TABLE session ADD COLUMN last_seen_at timestamptz;
    CREATE UNIQUE INDEX session_id_uq ON session (tenant_id, id);
    CREATE INDEX session_account_idx ON session (tenant_id, account_id);

    CREATE TABLE sms_login_code (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      phone text NOT NULL,
      code_hash text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT lianxin_now(),
      expires_at timestamptz NOT NULL,
      attempts integer NOT NULL DEFAULT 0,
      used_at timestamptz
    );
    CREATE INDEX sms_login_code_phone_idx ON sms_login_code (phone, created_at);

    CREATE TABLE notify_robot (
      tenant_id uuid NOT NULL REFERENCES tenant(id),
      id uuid NOT NULL DEFAULT gen_random_uuid(),
      org_id uuid NOT NULL,
      kind text NOT NULL CHECK (kind IN ('wecom','dingtalk','feishu')),
      name text NOT NULL CHECK (length(name) BETWEEN 1 AND 60),
      webhook_cipher text NOT NULL,
      secret_cipher text,
      enabled boolean NOT NULL DEFAULT true,
      blocked_until timestamptz,
      last_success_at timestamptz,
      last_error_at timestamptz,
      last_error text,
      created_at timestamptz NOT NULL DEFAULT lianxin_now(),
      updated_at timestamptz NOT NULL DEFAULT lianxin_now(),
      PRIMARY KEY (tenant_id, id),
      FOREIGN KEY (tenant_id, org_id) REFERENCES org(tenant_id, id)
    );
    CREATE INDEX notify_robot_org_idx ON notify_robot (tenant_id, org_id);

    CREATE TABLE notify_sms_provider (
      tenant_id uuid NOT NULL REFERENCES tenant(id),
      kind text NOT NULL CHECK (kind IN ('aliyun','tencent','sink')),
      settings jsonb NOT NULL DEFAULT '{}',
      access_key_id text,
      secret_cipher text,
      enabled boolean NOT NULL DEFAULT true,
      last_success_at timestamptz,
      last_error_at timestamptz,
      last_error text,
      updated_at timestamptz NOT NULL DEFAULT lianxin_now(),
      PRIMARY KEY (tenant_id)
    );

    CREATE TABLE notification (
      tenant_id uuid NOT NULL REFERENCES tenant(id),
      id uuid NOT NULL DEFAULT gen_random_uuid(),
      source_kind text NOT NULL CHECK (length(source_kind) BETWEEN 1 AND 40),
      source_id uuid NOT NULL,
      channel text NOT NULL CHECK (channel IN ('sms','webpush','wecom','dingtalk','feishu')),
      recipient_id uuid NOT NULL,
      member_id uuid,
      robot_id uuid,
      template_key text NOT NULL,
      params jsonb NOT NULL DEFAULT '{}',
      link text NOT NULL,
      status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','sending','sent','delivered','failed','cancelled')),
      attempts integer NOT NULL DEFAULT 0,
      not_before timestamptz NOT NULL DEFAULT lianxin_now(),
      lease_until timestamptz,
      lease_owner text,
      provider_msg_id text,
      last_error text,
      created_at timestamptz NOT NULL DEFAULT lianxin_now(),
      sent_at timestamptz,
      delivered_at timestamptz,
      failed_at timestamptz,
      opened_at timestamptz,
      PRIMARY KEY (tenant_id, id),
      FOREIGN KEY (tenant_id, member_id) REFERENCES member(tenant_id, id),
      CHECK (member_id IS NOT NULL OR robot_id IS NOT NULL)
    );
    CREATE UNIQUE INDEX notification_once_uq ON notification (tenant_id, source_kind, source_id, channel, recipient_id);
    CREATE INDEX notification_due_idx ON notification (not_before) WHERE status IN ('pending','sending');
    CREATE INDEX notification_source_idx ON notification (tenant_id, source_kind, source_id);
    CREATE INDEX notification_member_idx ON notification (tenant_id, member_id, created_at) WHERE member_id IS NOT NULL;
    CREATE INDEX notification_robot_idx ON notification (tenant_id, robot_id, sent_at) WHERE robot_id IS NOT NULL;
    CREATE INDEX notification_provider_msg_idx ON notification (provider_msg_id) WHERE provider_msg_id IS NOT NULL;

    CREATE TABLE notification_attempt (
      tenant_id uuid NOT NULL,
      notification_id uuid NOT NULL,
      n integer NOT NULL,
      started_at timestamptz NOT NULL DEFAULT lianxin_now(),
      finished_at timestamptz,
      ok boolean,
      error text,
      PRIMARY KEY (tenant_id, notification_id, n),
      FOREIGN KEY (tenant_id, notification_id) REFERENCES notification(tenant_id, id) ON DELETE CASCADE
    );

    CREATE TABLE sms_sink (
      tenant_id uuid NOT NULL REFERENCES tenant(id),
      id bigint GENERATED ALWAYS AS IDENTITY,
      notification_id uuid,
      phone text NOT NULL,
      text text NOT NULL,
      at timestamptz NOT NULL DEFAULT lianxin_now(),
      PRIMARY KEY (tenant_id, id)
    );
    CREATE UNIQUE INDEX sms_sink_notification_uq ON sms_sink (tenant_id, notification_id) WHERE notification_id IS NOT NULL;

    CREATE TABLE sms_receipt (
      provider text NOT NULL CHECK (provider IN ('aliyun','tencent','sink')),
      provider_msg_id text NOT NULL,
      status text NOT NULL CHECK (status IN ('delivered','failed')),
      phone text,
      code text,
      reported_at timestamptz,
      received_at timestamptz NOT NULL DEFAULT lianxin_now(),
      PRIMARY KEY (provider, provider_msg_id, status)
    );

    CREATE TABLE push_subscription (
      tenant_id uuid NOT NULL REFERENCES tenant(id),
      id uuid NOT NULL DEFAULT gen_random_uuid(),
      account_id uuid NOT NULL,
      endpoint text NOT NULL,
      p256dh text NOT NULL,
      auth text NOT NULL,
      user_agent text,
      created_at timestamptz NOT NULL DEFAULT lianxin_now(),
      last_success_at timestamptz,
      last_error text,
      PRIMARY KEY (tenant_id, id),
      FOREIGN KEY (tenant_id, account_id) REFERENCES account(tenant_id, id) ON DELETE CASCADE
    );
    CREATE UNIQUE INDEX push_subscription_endpoint_uq ON push_subscription (endpoint);
    CREATE INDEX push_subscription_account_idx ON push_subscription (tenant_id, account_id);

    CREATE TABLE notify_preference (
      tenant_id uuid NOT NULL REFERENCES tenant(id),
      member_id uuid NOT NULL,
      channel text NOT NULL CHECK (channel IN ('sms','webpush','robot')),
      enabled boolean NOT NULL,
      changed_by uuid,
      changed_at timestamptz NOT NULL DEFAULT lianxin_now(),
      PRIMARY KEY (tenant_id, member_id, channel),
      FOREIGN KEY (tenant_id, member_id) REFERENCES member(tenant_id, id)
    );

    CREATE TABLE group_kit_mark (
      tenant_id uuid NOT NULL REFERENCES tenant(id),
      source_kind text NOT NULL,
      source_id uuid NOT NULL,
      org_id uuid NOT NULL,
      marked_by uuid,
      marked_at timestamptz NOT NULL DEFAULT lianxin_now(),
      PRIMARY KEY (tenant_id, source_kind, source_id, org_id),
      FOREIGN KEY (tenant_id, org_id) REFERENCES org(tenant_id, id)
    );

    CREATE TABLE server_secret (
      name text PRIMARY KEY,
      value_cipher text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT lianxin_now()
    );

    ALTER TABLE care_task DROP CONSTRAINT care_task_kind_check;
    ALTER TABLE care_task ADD CONSTRAINT care_task_kind_check
      CHECK (kind IN ('absence_streak','unread_streak','follow_up','visit','hardship','lost_contact','unreachable','other'));
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE care_task DROP CONSTRAINT care_task_kind_check;
    ALTER TABLE care_task ADD CONSTRAINT care_task_kind_check
      CHECK (kind IN ('absence_streak','unread_streak','follow_up','visit','hardship','lost_contact','other'));
    DROP TABLE server_secret;
    DROP TABLE group_kit_mark;
    DROP TABLE notify_preference;
    DROP TABLE push_subscription;
    DROP TABLE sms_receipt;
    DROP TABLE sms_sink;
    DROP TABLE notification_attempt;
    DROP TABLE notification;
    DROP TABLE notify_sms_provider;
    DROP TABLE notify_robot;
    DROP TABLE sms_login_code;
    DROP INDEX session_account_idx;
    DROP INDEX session_id_uq;
    ALTER TABLE session DROP COLUMN last_seen_at;
    ALTER TABLE session DROP COLUMN remember;
    ALTER TABLE session DROP COLUMN id;
    DROP TABLE invitation;
  `.execute(db);
}
