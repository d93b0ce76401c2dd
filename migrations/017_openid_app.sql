-- An openid is valid only in the WeChat app that issued it (each official account and
-- mini-program has its own), so paying with WeChat Pay must pick the openid of the paying app.
ALTER TABLE customer_identities ADD COLUMN app_id text;
ALTER TABLE customer_identities ADD CONSTRAINT customer_identities_openid_has_app
  CHECK ((provider = 'wechat_openid') = (app_id IS NOT NULL)) NOT VALID;
