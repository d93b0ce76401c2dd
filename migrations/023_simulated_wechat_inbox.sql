-- The sandbox's WeChat keeps what it delivered: each subscribe message (mini-program) or
-- subscription notice (official account) it accepted, so a demo user can read the buyer's
-- notifications on the simulator's inbox page. Simulator state: never read by the server.
CREATE TABLE wechat_sim_subscribe_sent (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  appid       text NOT NULL,
  openid      text NOT NULL,
  api         text NOT NULL CHECK (api IN ('send', 'bizsend')),
  template_id text NOT NULL,
  page        text NOT NULL DEFAULT '',
  data        jsonb NOT NULL,
  sent_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX wechat_sim_subscribe_sent_openid ON wechat_sim_subscribe_sent (openid, id DESC);
