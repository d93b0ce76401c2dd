import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import { zhCN, type Messages } from './locales/zh-CN.js';

export const LANGUAGES = ['zh-CN', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];
const STORAGE_KEY = 'siyu.lang';

// zh-CN is the default and the fallback, so it ships in the bundle; other languages load when chosen.
const LOADERS: Record<Exclude<Language, 'zh-CN'>, () => Promise<Messages>> = {
  en: () => import('./locales/en.js').then((m) => m.en),
};

function storedLanguage(): Language {
  try {
    const v = localStorage.getItem(STORAGE_KEY);
    return v === 'en' || v === 'zh-CN' ? v : 'zh-CN';
  } catch {
    return 'zh-CN';
  }
}

void i18n.use(initReactI18next).init({
  resources: { 'zh-CN': { translation: zhCN } },
  lng: 'zh-CN',
  fallbackLng: 'zh-CN',
  interpolation: { escapeValue: false }, // React escapes already
  returnNull: false,
});

async function ensureLoaded(lang: Language): Promise<void> {
  if (lang === 'zh-CN' || i18n.hasResourceBundle(lang, 'translation')) return;
  i18n.addResourceBundle(lang, 'translation', await LOADERS[lang]());
}

async function switchTo(lang: Language): Promise<void> {
  try {
    await ensureLoaded(lang);
  } catch {
    // The messages could not be fetched (offline): stay in the language already shown.
    return;
  }
  document.documentElement.lang = lang;
  await i18n.changeLanguage(lang);
}

/** Before the first render: the stored language, its messages fetched if they are not built in. */
export function loadLanguage(): Promise<void> {
  return switchTo(storedLanguage());
}

export function setLanguage(lang: Language) {
  try {
    localStorage.setItem(STORAGE_KEY, lang);
  } catch {
    // Private mode without storage: the switch still works for this page view.
  }
  void switchTo(lang);
}

export default i18n;
