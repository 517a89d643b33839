import { NamespacedTable } from './namespaced-table.js';

describe('NamespacedTable', () => {
  it('keeps one entry per namespace/name and forgets it on delete', () => {
    const table = new NamespacedTable<{ namespace: string; name: string; v: number }>();
    table.set({ namespace: 'a', name: 'x', v: 1 });
    table.set({ namespace: 'b', name: 'x', v: 2 });
    table.set({ namespace: 'a', name: 'x', v: 3 });
    expect(table.size).toBe(2);
    expect(table.get('a', 'x')?.v).toBe(3);
    expect(table.get('b', 'x')?.v).toBe(2);
    table.delete('a', 'x');
    expect(table.get('a', 'x')).toBeUndefined();
    expect(table.size).toBe(1);
  });
});
