/**
 * The WeChat simulator answers as WeChat does (HTTP 200, errcode): server access tokens that
 * `stable_token` shares and `/cgi-bin/token` replaces (40001 for the replaced one), that expire
 * (42001); app secrets checked (40125); phone codes for one app only; the sandbox's mini-program
 * page minting a code that code2Session accepts once.
 */
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Siyu } from '../../app.js';
import { createTestDatabase } from '../../../test/test-db.js';
import { manualClock, startSiyu } from '../../../test/fixtures.js';
import { simOpenid } from './wechat.simulator.js';

describe('WeChat simulator', async () => {
  const { db } = await createTestDatabase();
  const clock = manualClock();
  let siyu: Siyu;
  beforeAll(async () => { siyu = await startSiyu(db, clock); });
  afterAll(() => siyu.close());
  const call = async (options: InjectOptions) => {
    const res = await siyu.server.inject({ ...options, url: `/simulators/wechat${options.url}` });
    expect(res.statusCode, res.body).toBeLessThan(400);
    return res.json();
  };
  const phone = (token: string, code: string) => call({ method: 'POST', url: `/wxa/business/getuserphonenumber?access_token=${token}`, payload: { code } });
  const mintPhone = async (appid: string, user: string) => (await call({ method: 'POST', url: '/sandbox/codes', payload: { kind: 'phone', appid, user, phone: '13800001234' } })).code as string;

  it('stable_token shares the current token; /cgi-bin/token replaces it; replaced → 40001, expired → 42001; a wrong secret → 40125', async () => {
    const stable = (force = false) => call({ method: 'POST', url: '/cgi-bin/stable_token', payload: { grant_type: 'client_credential', appid: 'wxsim1', secret: 's1', force_refresh: force } });
    const a = await stable();
    expect(a).toEqual({ access_token: expect.any(String), expires_in: 7200 });
    clock.advance(60_000);
    expect(await stable()).toEqual({ access_token: a.access_token, expires_in: 7140 });
    expect(await call({ method: 'POST', url: '/cgi-bin/stable_token', payload: { grant_type: 'client_credential', appid: 'wxsim1', secret: 'wrong' } })).toMatchObject({ errcode: 40125 });

    const b = await call({ method: 'GET', url: '/cgi-bin/token?grant_type=client_credential&appid=wxsim1&secret=s1' });
    expect(b.access_token).not.toBe(a.access_token);
    expect(await phone(a.access_token, await mintPhone('wxsim1', 'ann'))).toMatchObject({ errcode: 40001 });
    expect(await phone(b.access_token, await mintPhone('wxsim1', 'ann'))).toMatchObject({
      errcode: 0, phone_info: { phoneNumber: '13800001234', purePhoneNumber: '13800001234', countryCode: '86', watermark: { appid: 'wxsim1' } },
    });
    clock.advance(7200_000);
    expect(await phone(b.access_token, await mintPhone('wxsim1', 'ann'))).toMatchObject({ errcode: 42001 });
  });

  it('a phone code works for the app it was issued to, once', async () => {
    const token = (await call({ method: 'POST', url: '/cgi-bin/stable_token', payload: { grant_type: 'client_credential', appid: 'wxsim2', secret: 's2' } })).access_token as string;
    expect(await phone(token, await mintPhone('wxother', 'ann'))).toMatchObject({ errcode: 40029 });
    const code = await mintPhone('wxsim2', 'ann');
    expect(await phone(token, code)).toMatchObject({ errcode: 0 });
    expect(await phone(token, code)).toMatchObject({ errcode: 40029 });
  });

  it('the sandbox\'s mini-program page mints a wx.login() code that code2Session takes once', async () => {
    const page = await siyu.server.inject({ method: 'GET', url: '/simulators/wechat/sandbox/mini-program?appid=wxsim3&user=bo&kind=login' });
    expect(page.statusCode).toBe(200);
    const code = /<code id="code">([^<]+)<\/code>/.exec(page.body)![1]!;
    const session = await call({ method: 'GET', url: `/sns/jscode2session?appid=wxsim3&secret=s3&js_code=${code}&grant_type=authorization_code` });
    expect(session).toEqual({ openid: simOpenid('wxsim3', 'bo'), session_key: expect.any(String), unionid: expect.any(String) });
    expect(await call({ method: 'GET', url: `/sns/jscode2session?appid=wxsim3&secret=s3&js_code=${code}&grant_type=authorization_code` })).toMatchObject({ errcode: 40029 });
  });

  it('the consent page redirects only into this server (the authorised domain)', async () => {
    const res = await siyu.server.inject({ method: 'GET', url: `/simulators/wechat/connect/oauth2/authorize/confirm?${new URLSearchParams({ appid: 'wxsim4', redirect_uri: 'https://evil.example/cb', response_type: 'code', scope: 'snsapi_base', state: 's', user: 'ann' }).toString()}` });
    expect(res.statusCode).toBe(400);
    expect(res.headers.location).toBeUndefined();
  });
});
