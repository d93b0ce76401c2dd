import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { WechatApp } from '../types.js';
import { ErrorNote, Loading, formatTime } from '../ui.js';
import { adminApi } from './auth.js';

/**
 * The tenant's WeChat apps (official account, mini-program): appid, where the server calls, and
 * whether a secret is stored — never the secret. They are connected with `siyu wechat connect`.
 */
export function WechatAppsPage() {
  const { t, i18n } = useTranslation();
  const apps = useQuery({ queryKey: ['admin', 'wechat-apps'], queryFn: ({ signal }) => adminApi<{ items: WechatApp[] }>('/wechat/apps', { signal }) });
  return (
    <section>
      <h1 className="page-title">{t('wechat.title')}</h1>
      <p className="muted small">{t('wechat.hint')}</p>
      {apps.isPending ? <Loading /> : apps.error ? <ErrorNote error={apps.error} /> : apps.data.items.length === 0 ? (
        <p className="muted" data-testid="wechat-apps-empty">{t('wechat.none')}</p>
      ) : (
        <div className="table-wrap">
          <table className="table" data-testid="wechat-apps">
            <thead>
              <tr><th>{t('wechat.col_app')}</th><th>AppID</th><th>{t('wechat.col_secret')}</th><th>{t('wechat.col_api')}</th><th>{t('wechat.col_updated')}</th></tr>
            </thead>
            <tbody>
              {apps.data.items.map((a) => (
                <tr key={a.app} data-testid="wechat-app" data-app={a.app}>
                  <td>{t(`wechat.app.${a.app}`)}</td>
                  <td><code>{a.appid}</code></td>
                  <td data-testid="wechat-app-secret">{a.has_secret ? t('wechat.secret_set') : t('wechat.secret_missing')}</td>
                  <td className="small">
                    {a.api_base}
                    {a.app === 'mini_program' && a.api_base.endsWith('/simulators/wechat') && (
                      <> · <a href={`${a.api_base}/sandbox/mini-program?appid=${encodeURIComponent(a.appid)}`} target="_blank" rel="noreferrer" data-testid="wechat-mini-program-tool">{t('wechat.mini_program_tool')}</a></>
                    )}
                  </td>
                  <td className="small">{formatTime(a.updated_at, i18n.language)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
