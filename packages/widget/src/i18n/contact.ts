import type { WidgetLanguage } from '@parley/shared';

/**
 * The email form's words, in every language. They ship with the form (the contact-form part), so
 * visitors who never see it never download them.
 */
export interface ContactStrings {
  /** Why the form shows: support is closed now, or a ticket waits for a reply. */
  afterHours: string;
  followUp: string;
  email: string;
  name: string;
  submit: string;
  missing: string;
  invalid: string;
  failed: string;
  sent: (email: string) => string;
}

export const CONTACT_STRINGS: Record<WidgetLanguage, ContactStrings> = {
  en: {
    afterHours: "Our team is offline right now. Leave your email and they'll reply there.",
    followUp: 'Leave your email so the team can follow up.',
    email: 'Email',
    name: 'Name (optional)',
    submit: 'Send',
    missing: 'Enter your email address.',
    invalid: 'Enter a valid email address, like name@example.com.',
    failed: "Couldn't send it. Please try again.",
    sent: (email) => `Thanks! The team will reply to ${email}.`,
  },
  es: {
    afterHours: 'Nuestro equipo no está disponible ahora. Deja tu correo y te responderán allí.',
    followUp: 'Deja tu correo para que el equipo pueda responderte.',
    email: 'Correo electrónico',
    name: 'Nombre (opcional)',
    submit: 'Enviar',
    missing: 'Escribe tu correo electrónico.',
    invalid: 'Escribe un correo válido, como nombre@ejemplo.com.',
    failed: 'No se pudo enviar. Inténtalo de nuevo.',
    sent: (email) => `¡Gracias! El equipo responderá a ${email}.`,
  },
  de: {
    afterHours:
      'Unser Team ist gerade nicht erreichbar. Hinterlassen Sie Ihre E-Mail-Adresse, wir antworten dorthin.',
    followUp: 'Hinterlassen Sie Ihre E-Mail-Adresse, damit sich das Team bei Ihnen melden kann.',
    email: 'E-Mail',
    name: 'Name (optional)',
    submit: 'Senden',
    missing: 'Bitte geben Sie Ihre E-Mail-Adresse ein.',
    invalid: 'Bitte geben Sie eine gültige E-Mail-Adresse ein, z. B. name@example.com.',
    failed: 'Senden fehlgeschlagen. Bitte erneut versuchen.',
    sent: (email) => `Danke! Das Team antwortet an ${email}.`,
  },
  fr: {
    afterHours:
      'Notre équipe est absente pour le moment. Laissez votre e-mail, elle vous répondra.',
    followUp: 'Laissez votre e-mail pour que l’équipe puisse vous recontacter.',
    email: 'E-mail',
    name: 'Nom (facultatif)',
    submit: 'Envoyer',
    missing: 'Saisissez votre adresse e-mail.',
    invalid: 'Saisissez une adresse e-mail valide, comme nom@exemple.com.',
    failed: 'Échec de l’envoi. Veuillez réessayer.',
    sent: (email) => `Merci ! L’équipe vous répondra à ${email}.`,
  },
  ar: {
    afterHours: 'فريقنا غير متاح الآن. اترك بريدك الإلكتروني وسيردّون عليك هناك.',
    followUp: 'اترك بريدك الإلكتروني ليتمكن الفريق من متابعة طلبك.',
    email: 'البريد الإلكتروني',
    name: 'الاسم (اختياري)',
    submit: 'إرسال',
    missing: 'أدخل بريدك الإلكتروني.',
    invalid: 'أدخل بريدًا إلكترونيًا صالحًا، مثل name@example.com.',
    failed: 'تعذّر الإرسال. حاول مرة أخرى.',
    sent: (email) => `شكرًا! سيرد الفريق على ${email}.`,
  },
};
