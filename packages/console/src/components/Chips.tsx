import type { ComponentChildren } from 'preact';

export interface Chip<T extends string> {
  value: T;
  label: ComponentChildren;
}

export interface ChipsProps<T extends string> {
  /** What the group chooses, for screen readers (the chips say it for everyone else). */
  legend: string;
  chips: ReadonlyArray<Chip<T>>;
  /** The chip shown pressed. */
  selected: T;
  onSelect(value: T): void;
}

/** A row of toggle buttons of which one is pressed: a filter, or a way to show the page. */
export function Chips<T extends string>({ legend, chips, selected, onSelect }: ChipsProps<T>) {
  return (
    <fieldset class="filters">
      <legend class="sr-only">{legend}</legend>
      {chips.map((chip) => (
        <button
          key={chip.value}
          type="button"
          class="chip"
          aria-pressed={selected === chip.value}
          onClick={() => onSelect(chip.value)}
        >
          {chip.label}
        </button>
      ))}
    </fieldset>
  );
}
