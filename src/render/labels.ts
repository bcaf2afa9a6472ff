// The theme's own words, per language, so an Arabic issue (or an Arabic article in an English
// digest) does not say "Read more". Templates use them as {{t "readMore" lang}}; `{name}` is
// filled from the helper's `name=` argument. To change a word, override the template that uses it.

export type LabelKey =
  | 'readMore'
  | 'readOnWeb'
  | 'moreFrom'
  | 'issue'
  | 'viewInBrowser'
  | 'unsubscribe'
  | 'whyReceiving'
  | 'website'
  | 'pastIssues';

const LABELS: Record<string, Record<LabelKey, string>> = {
  en: {
    readMore: 'Read more',
    readOnWeb: 'Read it on the web',
    moreFrom: 'More from {name}',
    issue: 'Issue',
    viewInBrowser: 'View in browser',
    unsubscribe: 'Unsubscribe',
    whyReceiving: 'You are receiving this email because you subscribed to {name}.',
    website: 'Website',
    pastIssues: 'Past issues',
  },
  ar: {
    readMore: 'اقرأ المزيد',
    readOnWeb: 'اقرأ على الموقع',
    moreFrom: 'المزيد من {name}',
    issue: 'العدد',
    viewInBrowser: 'اعرض في المتصفح',
    unsubscribe: 'إلغاء الاشتراك',
    whyReceiving: 'تصلك هذه الرسالة لأنك مشترك في النشرة البريدية لـ {name}.',
    website: 'الموقع',
    pastIssues: 'الأعداد السابقة',
  },
  fr: {
    readMore: 'Lire la suite',
    readOnWeb: 'Lire sur le web',
    moreFrom: 'Plus de {name}',
    issue: 'Numéro',
    viewInBrowser: 'Voir dans le navigateur',
    unsubscribe: 'Se désabonner',
    whyReceiving: 'Vous recevez cet e-mail car vous êtes abonné·e à la lettre de {name}.',
    website: 'Site web',
    pastIssues: 'Numéros précédents',
  },
  es: {
    readMore: 'Seguir leyendo',
    readOnWeb: 'Leer en la web',
    moreFrom: 'Más de {name}',
    issue: 'Número',
    viewInBrowser: 'Ver en el navegador',
    unsubscribe: 'Darse de baja',
    whyReceiving: 'Recibes este correo porque te suscribiste al boletín de {name}.',
    website: 'Sitio web',
    pastIssues: 'Números anteriores',
  },
  de: {
    readMore: 'Weiterlesen',
    readOnWeb: 'Im Web lesen',
    moreFrom: 'Mehr von {name}',
    issue: 'Ausgabe',
    viewInBrowser: 'Im Browser ansehen',
    unsubscribe: 'Abbestellen',
    whyReceiving: 'Sie erhalten diese E-Mail, weil Sie den Newsletter von {name} abonniert haben.',
    website: 'Website',
    pastIssues: 'Frühere Ausgaben',
  },
};

/** The label in a language (by its primary subtag: `ar-AE` uses `ar`), English when unknown. */
export function label(key: string, lang: string | undefined, values: Record<string, unknown> = {}): string {
  const primary = (lang ?? 'en').toLowerCase().split('-')[0]!;
  const table = LABELS[primary] ?? LABELS.en!;
  const text = table[key as LabelKey] ?? LABELS.en![key as LabelKey];
  if (text === undefined) throw new Error(`unknown label "${key}"; known: ${Object.keys(LABELS.en!).join(', ')}`);
  return text.replace(/\{(\w+)\}/g, (_, k: string) => String(values[k] ?? ''));
}
