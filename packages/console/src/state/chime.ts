/** Plays the "someone is waiting" sound. */
export interface Chime {
  play(): void;
  /** Browsers only allow audio after a gesture: call this from the click that turns sound on. */
  unlock(): void;
}

type AudioContextClass = typeof AudioContext;

/**
 * A two-note chime made with WebAudio, so the console fetches no sound file (and its CSP needs no
 * media source). Without WebAudio it stays silent.
 */
export function createChime(
  Context: AudioContextClass | undefined = globalThis.AudioContext,
): Chime {
  let context: AudioContext | undefined;
  const ready = () => {
    if (!Context) return undefined;
    context ??= new Context();
    if (context.state === 'suspended') void context.resume().catch(() => {});
    return context;
  };
  return {
    unlock: () => void ready(),
    play() {
      const audio = ready();
      if (!audio) return;
      const start = audio.currentTime + 0.01;
      for (const [offset, frequency] of [
        [0, 660],
        [0.16, 880],
      ] as const) {
        const tone = audio.createOscillator();
        const gain = audio.createGain();
        tone.type = 'sine';
        tone.frequency.value = frequency;
        gain.gain.setValueAtTime(0.0001, start + offset);
        gain.gain.exponentialRampToValueAtTime(0.2, start + offset + 0.02);
        gain.gain.exponentialRampToValueAtTime(0.0001, start + offset + 0.3);
        tone.connect(gain).connect(audio.destination);
        tone.start(start + offset);
        tone.stop(start + offset + 0.32);
      }
    },
  };
}
