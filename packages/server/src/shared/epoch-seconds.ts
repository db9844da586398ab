/** Airbyte's API gives every time as whole seconds since the epoch. */
export const epochSeconds = (at: Date | number): number => Math.floor((typeof at === 'number' ? at : at.getTime()) / 1000);
