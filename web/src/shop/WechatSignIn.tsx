import { useEffect } from 'react';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../api.js';
import { ErrorNote } from '../ui.js';
import { useServerMode } from '../SandboxBanner.js';
import type { WechatOauthStart, WechatSignInOptions } from '../types.js';

/** Where to go back after WeChat's redirect, kept in this tab only. */
export const WECHAT_RETURN_KEY = 'siyu.wechat.return_to';
/** Set while a signed-in buyer adds WeChat to their account: the callback then joins the openid to them. */
export const WECHAT_LINK_KEY = 'siyu.wechat.link';
/** Set once the shop started authorisation by itself, so a refused or abandoned one is not started again in a loop. */
const AUTO_STARTED_KEY = 'siyu.wechat.auto_started';

/** Inside WeChat's own browser, which identifies itself in the user agent. */
export const inWechat = () => /MicroMessenger/i.test(navigator.userAgent);

/**
 * "Sign in with WeChat" (official-account web authorisation). Offered when the shop's tenant has
 * an official account: in the sandbox always (the simulator stands in for WeChat's consent page),
 * in live mode inside WeChat's browser only. Inside WeChat the shop starts it by itself, once.
 */
export function WechatSignIn({ slug }: { slug: string }) {
  const { t } = useTranslation();
  const mode = useServerMode();
  const options = useQuery({
    queryKey: ['shop', slug, 'wechat'],
    queryFn: ({ signal }) => api<WechatSignInOptions>(`/shops/${slug}/wechat`, { signal }),
    staleTime: 60_000,
  });
  const start = useStartWechatAuthorisation(slug);
  const offered = options.data?.official_account === true && (mode.data?.mode === 'sandbox' || inWechat());
  // Inside WeChat the shop starts authorisation by itself, as WeChat shops do (in the sandbox too,
  // so the demo walks as it would for real); elsewhere the buyer taps.
  const auto = offered && inWechat() && !sessionStorage.getItem(AUTO_STARTED_KEY);
  useEffect(() => {
    if (!auto || start.isPending) return;
    sessionStorage.setItem(AUTO_STARTED_KEY, '1');
    start.mutate();
  }, [auto, start]);
  if (!offered) return null;
  return (
    <div className="card form" data-testid="wechat-sign-in-card">
      <button type="button" className="primary block wechat" disabled={start.isPending} onClick={() => start.mutate()} data-testid="wechat-sign-in">
        {t('shop.wechat_sign_in')}
      </button>
      {mode.data?.mode === 'sandbox' && <p className="muted small">{t('shop.wechat_sandbox_hint')}</p>}
      <ErrorNote error={start.error} testId="wechat-error" />
    </div>
  );
}

/**
 * Sends the browser to WeChat's consent page (the simulator's in the sandbox) and back to this
 * page. With `link`, the signed-in buyer's account gets the WeChat identity instead of a new sign-in.
 */
export function useStartWechatAuthorisation(slug: string) {
  return useMutation({
    mutationFn: (_options: { link?: boolean } | void) => api<WechatOauthStart>(`/shops/${slug}/wechat/oauth`, { body: {} }),
    onSuccess: (started, options) => {
      sessionStorage.setItem(WECHAT_RETURN_KEY, window.location.pathname + window.location.search);
      if (options?.link) sessionStorage.setItem(WECHAT_LINK_KEY, '1');
      else sessionStorage.removeItem(WECHAT_LINK_KEY);
      window.location.assign(started.authorize_url);
    },
  });
}
