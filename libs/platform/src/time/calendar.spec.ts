import { isRealCalendarTime } from './calendar.js';

describe('isRealCalendarTime', () => {
  it.each([
    [[2024, 2, 29, 23, 59, 59], true],
    [[2023, 2, 29, 0, 0, 0], false],
    [[1900, 2, 29, 0, 0, 0], false],
    [[2000, 2, 29, 0, 0, 0], true],
    [[2026, 4, 31, 0, 0, 0], false],
    [[2026, 13, 1, 0, 0, 0], false],
    [[2026, 1, 1, 24, 0, 0], false],
    [[2026, 1, 1, 0, 60, 0], false],
    [[2026, 1, 1, 0, 0, 60], false],
    [[0, 1, 1, 0, 0, 0], false],
    [[1, 1, 1, 0, 0, 0], true],
    [[99, 12, 31, 12, 0, 0], true],
  ])('%j → %s', (fields, real) => {
    expect(isRealCalendarTime(fields)).toBe(real);
  });
});
