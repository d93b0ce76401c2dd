import { Link } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { LangSwitch } from './ui.js';

/**
 * `home` is where "back" goes; `leavesEntry` when that page belongs to the other web entry (shop or
 * console), which only a full page load can reach.
 */
export function NotFound({ standalone = false, home = '/', leavesEntry = false }: { standalone?: boolean; home?: string; leavesEntry?: boolean }) {
  const { t } = useTranslation();
  return (
    <div className={standalone ? 'home' : 'empty'}>
      {standalone && <LangSwitch />}
      <p>{t('common.not_found')}</p>
      <Link to={home} className="button" reloadDocument={leavesEntry}>{t('common.back')}</Link>
    </div>
  );
}
