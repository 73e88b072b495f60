/** Text columns line up as a terminal shows them: wide (CJK) characters take two columns. */
import { describe, expect, it } from 'vitest';
import { columns, displayWidth } from '../../src/metrics/text.js';

describe('columns', () => {
  it('counts East Asian wide characters as two columns, combining marks as none', () => {
    expect(displayWidth('n0')).toBe(2);
    expect(displayWidth('節點 2')).toBe(6);
    expect(displayWidth('ｔａｓｋ')).toBe(8);
    expect(displayWidth('e\u0301')).toBe(1);
    expect(displayWidth('…')).toBe(1);
  });

  it('puts the next column at the same terminal column on every row', () => {
    const rows = [
      ['node', 'kind', 'time'],
      ['節點 2', 'task', '1.00 s'],
      ['n10', 'map', '12.0 s'],
    ];
    const lines = columns(rows, ['l', 'l', 'r']);
    const kindAt = lines.map((l, i) => displayWidth(l.slice(0, l.indexOf(rows[i]![1]!))));
    expect(new Set(kindAt).size).toBe(1);
    expect(new Set(lines.map(displayWidth)).size).toBe(1);
  });
});
