const PATHS = {
  chat: 'M21 12a8 8 0 0 1-11.8 7L4 20l1.2-4.6A8 8 0 1 1 21 12z',
  close: 'M6 6l12 12M18 6 6 18',
  compose: 'M12 20h9M16.5 3.5a2.1 2.1 0 0 1 3 3L7 19l-4 1 1-4z',
  send: 'M5 12h14m-6-6 6 6-6 6',
  stop: 'M7 7h10v10H7z',
  thumb: 'M7 10v11M7 10l4-8a3 3 0 0 1 3 3v4h5.6a2 2 0 0 1 2 2.3l-1.4 8a2 2 0 0 1-2 1.7H3V10z',
} as const;

export interface IconProps {
  name: keyof typeof PATHS;
}

/** A decorative 24×24 stroke icon; the button around it carries the accessible name. */
export function Icon({ name }: IconProps) {
  return (
    <svg class={`i-${name}`} viewBox="0 0 24 24" aria-hidden="true" focusable="false">
      <path d={PATHS[name]} />
    </svg>
  );
}
