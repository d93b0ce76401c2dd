import { useEffect, useRef, useState } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { api } from '../api.js';
import { ErrorNote } from '../ui.js';
import type { ShopSessionAnswer, WechatAnonymous } from '../types.js';
import { loadShopSession, saveShopSession } from './session.js';
import { WECHAT_LINK_KEY, WECHAT_RETURN_KEY } from './WechatSignIn.js';

type Outcome = ShopSessionAnswer | WechatAnonymous;

/**
 * Where WeChat sends the buyer back with `code` and `state`: the server checks the state against
 * this browser's cookie, exchanges the code, and answers a session (or, for a snapshot visitor,
 * nothing); the buyer returns to where they started.
 */
export function WechatCallbackPage() {
  const { t } = useTranslation();
  const { slug = '' } = useParams();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const [error, setError] = useState<unknown>(null);
  const [anonymous, setAnonymous] = useState(false);
  const sent = useRef(false);
  useEffect(() => {
    if (sent.current) return;
    sent.current = true;
    const code = params.get('code') ?? '';
    const state = params.get('state') ?? undefined;
    // Adding WeChat to the account the buyer is signed in with: the session says whose it is.
    const link = sessionStorage.getItem(WECHAT_LINK_KEY) === '1';
    sessionStorage.removeItem(WECHAT_LINK_KEY);
    const token = link ? loadShopSession(slug)?.token : undefined;
    api<Outcome>(`/shops/${slug}/wechat/oauth/session`, { body: { code, ...(state ? { state } : {}) }, token }).then((outcome) => {
      if ('anonymous' in outcome) {
        setAnonymous(true);
        return;
      }
      saveShopSession(slug, { token: outcome.token, customer: outcome.customer });
      const back = sessionStorage.getItem(WECHAT_RETURN_KEY);
      sessionStorage.removeItem(WECHAT_RETURN_KEY);
      navigate(back && back.startsWith(`/s/${slug}`) ? back : `/s/${slug}`, { replace: true });
    }, setError);
  }, [params, slug, navigate]);
  return (
    <section className="card" data-testid="wechat-callback">
      {!error && !anonymous && <p className="muted">{t('shop.wechat_signing_in')}</p>}
      {anonymous && <p data-testid="wechat-anonymous">{t('shop.wechat_anonymous')}</p>}
      <ErrorNote error={error} testId="wechat-error" />
      {(error || anonymous) && <Link to={`/s/${slug}`} data-testid="wechat-back">{t('shop.home')}</Link>}
    </section>
  );
}
