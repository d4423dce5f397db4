-- Signing in (docs/authentication.md): local passwords and their second
-- factor, lockout and per-address limits, server-side sessions, and the links
-- between a force's OpenID Connect identities and the register's users.
-- Every timestamp is written by the application from its clock, so tests can
-- move time; nothing here holds a secret in a usable form.

-- ASVS 11.4.2: an argon2id PHC string ($argon2id$v=19$m=…,t=…,p=…$salt$hash),
-- so the parameters travel with the hash and a stronger setting rehashes on
-- the next sign-in.
CREATE TABLE local_credential (
  user_id              uuid PRIMARY KEY REFERENCES app_user (id),
  password_hash        text NOT NULL CHECK (password_hash LIKE '$argon2id$%'),
  password_changed_at  timestamptz NOT NULL
);

-- RFC 6238 second factor. The secret is AES-256-GCM ciphertext bound to the
-- user (ASVS 11.3.3), under a key outside the database (DASR_SECRET_KEY or the
-- data directory's key file). last_used_step refuses a code seen before (ASVS 6.5.1).
CREATE TABLE totp_factor (
  user_id           uuid PRIMARY KEY REFERENCES app_user (id),
  secret_encrypted  text NOT NULL,
  created_at        timestamptz NOT NULL,
  confirmed_at      timestamptz,
  last_used_step    bigint
);

-- ASVS 6.3.1: failures in a row (password or second factor) and the lock they cause.
CREATE TABLE sign_in_state (
  user_id          uuid PRIMARY KEY REFERENCES app_user (id),
  failed_attempts  integer NOT NULL DEFAULT 0,
  last_failed_at   timestamptz,
  locked_until     timestamptz
);

-- ASVS 6.1.1: failed sign-ins by address, for the per-address limit (rows older
-- than the window are deleted as new ones arrive).
CREATE TABLE sign_in_failure (
  ip  text NOT NULL,
  at  timestamptz NOT NULL
);
CREATE INDEX sign_in_failure_ip_idx ON sign_in_failure (ip, at);

-- Server-side sessions (ASVS 7.2.x-7.4.x): only the SHA-256 of the 256-bit
-- token is stored. A session exists from the password (or the identity
-- provider) on, but grants nothing until second_factor is set.
CREATE TABLE user_session (
  id                   uuid PRIMARY KEY,
  token_hash           text NOT NULL UNIQUE,
  user_id              uuid NOT NULL REFERENCES app_user (id),
  auth_method          text NOT NULL CHECK (auth_method IN ('password', 'oidc')),
  second_factor        text CHECK (second_factor IN ('totp', 'idp')),
  csrf_token           text NOT NULL,
  created_at           timestamptz NOT NULL,
  last_seen_at         timestamptz NOT NULL,
  idle_expires_at      timestamptz NOT NULL,
  absolute_expires_at  timestamptz NOT NULL,
  ended_at             timestamptz,
  end_reason           text CHECK (end_reason IN ('logout', 'idle', 'absolute', 'disabled', 'administrator',
                                                  'password-changed', 'locked', 'second-factor-timeout')),
  ip                   text,
  user_agent           text,
  CHECK ((ended_at IS NULL) = (end_reason IS NULL))
);
CREATE INDEX user_session_live_idx ON user_session (user_id) WHERE ended_at IS NULL;

-- A force's identity provider says who someone is as (issuer, subject); this
-- maps it to a register user. Linked by an administrator, or once by a
-- verified e-mail claim when the setting allows.
CREATE TABLE oidc_identity (
  issuer     text NOT NULL,
  subject    text NOT NULL,
  user_id    uuid NOT NULL REFERENCES app_user (id),
  linked_at  timestamptz NOT NULL,
  linked_by  text NOT NULL CHECK (linked_by IN ('administrator', 'verified-email')),
  PRIMARY KEY (issuer, subject),
  UNIQUE (issuer, user_id)
);

-- An authorization request on its way to the identity provider: state (as a
-- hash), nonce and PKCE verifier, deleted when the callback uses it, so a
-- state is good once.
CREATE TABLE oidc_login (
  state_hash     text PRIMARY KEY,
  nonce          text NOT NULL,
  code_verifier  text NOT NULL,
  created_at     timestamptz NOT NULL,
  expires_at     timestamptz NOT NULL
);
