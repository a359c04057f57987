/**
 * A directed graph over nodes identified by index, edges pointing from a step to the steps that
 * must run before it. O(nodes + edges) algorithms only.
 */
export class StepGraph<T> {
  private readonly index = new Map<T, number>();
  private readonly upstream: number[][];
  /** Edges already added, as `to * nodes + from`, so that adding one is O(1). */
  private readonly edges = new Set<number>();

  constructor(public readonly nodes: readonly T[]) {
    nodes.forEach((n, i) => this.index.set(n, i));
    this.upstream = nodes.map(() => []);
  }

  /** Whether `node` is part of the graph. */
  public has(node: T): boolean {
    return this.index.has(node);
  }

  /** `to` must run after `from`. Both must be nodes of the graph. */
  public addEdge(from: T, to: T): void {
    const f = this.index.get(from);
    const t = this.index.get(to);
    if (f === undefined || t === undefined) {
      throw new Error('edge between nodes outside the graph');
    }
    const edge = t * this.nodes.length + f;
    if (!this.edges.has(edge)) {
      this.edges.add(edge);
      this.upstream[t].push(f);
    }
  }

  /**
   * One cycle per strongly connected component that has one, each as the list of nodes in
   * dependency order (`a -> b` means b runs after a), starting at the earliest node.
   */
  public cycles(): T[][] {
    const n = this.nodes.length;
    // Iterative Tarjan over downstream edges.
    const downstream: number[][] = this.nodes.map(() => []);
    this.upstream.forEach((ups, to) => ups.forEach((from) => downstream[from].push(to)));
    const indexOf = new Array<number>(n).fill(-1);
    const low = new Array<number>(n).fill(0);
    const onStack = new Array<boolean>(n).fill(false);
    const stack: number[] = [];
    const components: number[][] = [];
    let counter = 0;
    for (let root = 0; root < n; root++) {
      if (indexOf[root] !== -1) {
        continue;
      }
      const work: Array<[number, number]> = [[root, 0]];
      while (work.length > 0) {
        const frame = work[work.length - 1];
        const [v, i] = frame;
        if (i === 0) {
          indexOf[v] = low[v] = counter++;
          stack.push(v);
          onStack[v] = true;
        }
        if (i < downstream[v].length) {
          frame[1] = i + 1;
          const w = downstream[v][i];
          if (indexOf[w] === -1) {
            work.push([w, 0]);
          } else if (onStack[w]) {
            low[v] = Math.min(low[v], indexOf[w]);
          }
          continue;
        }
        work.pop();
        if (work.length > 0) {
          const parent = work[work.length - 1][0];
          low[parent] = Math.min(low[parent], low[v]);
        }
        if (low[v] === indexOf[v]) {
          const component: number[] = [];
          let w: number;
          do {
            w = stack.pop() as number;
            onStack[w] = false;
            component.push(w);
          } while (w !== v);
          const selfLoop = component.length === 1 && downstream[v].includes(v);
          if (component.length > 1 || selfLoop) {
            components.push(component);
          }
        }
      }
    }
    return components
      .map((component) => this.cycleWithin(new Set(component), downstream))
      .sort((a, b) => this.index.get(a[0])! - this.index.get(b[0])!);
  }

  /**
   * All nodes in an order where every node comes after the nodes it depends on; ties keep the
   * original node order. Nodes on cycles are appended at the end in original order.
   */
  public topologicalOrder(): T[] {
    const n = this.nodes.length;
    const remaining = this.upstream.map((ups) => ups.length);
    const downstream: number[][] = this.nodes.map(() => []);
    this.upstream.forEach((ups, to) => ups.forEach((from) => downstream[from].push(to)));
    // A binary heap keyed by original index keeps the order stable in O((n + e) log n).
    const heap = new MinHeap();
    remaining.forEach((count, i) => {
      if (count === 0) {
        heap.push(i);
      }
    });
    const order: number[] = [];
    const placed = new Array<boolean>(n).fill(false);
    while (heap.size > 0) {
      const v = heap.pop();
      order.push(v);
      placed[v] = true;
      for (const w of downstream[v]) {
        remaining[w] -= 1;
        if (remaining[w] === 0) {
          heap.push(w);
        }
      }
    }
    for (let i = 0; i < n; i++) {
      if (!placed[i]) {
        order.push(i);
      }
    }
    return order.map((i) => this.nodes[i]);
  }

  private cycleWithin(component: Set<number>, downstream: number[][]): T[] {
    const start = Math.min(...component);
    // Breadth-first search from start back to start inside the component gives a shortest cycle.
    const previous = new Map<number, number>();
    const queue = [start];
    let head = 0;
    while (head < queue.length) {
      const v = queue[head++];
      for (const w of downstream[v]) {
        if (!component.has(w)) {
          continue;
        }
        if (w === start) {
          const path = [v];
          let cursor = v;
          while (cursor !== start) {
            cursor = previous.get(cursor)!;
            path.push(cursor);
          }
          return path.reverse().map((i) => this.nodes[i]);
        }
        if (!previous.has(w)) {
          previous.set(w, v);
          queue.push(w);
        }
      }
    }
    return [...component].map((i) => this.nodes[i]);
  }
}

class MinHeap {
  private readonly items: number[] = [];

  public get size(): number {
    return this.items.length;
  }

  public push(value: number): void {
    const items = this.items;
    items.push(value);
    let i = items.length - 1;
    while (i > 0) {
      const parent = Math.floor((i - 1) / 2);
      if (items[parent] <= items[i]) {
        break;
      }
      [items[parent], items[i]] = [items[i], items[parent]];
      i = parent;
    }
  }

  public pop(): number {
    const items = this.items;
    const top = items[0];
    const last = items.pop() as number;
    if (items.length > 0) {
      items[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let smallest = i;
        if (l < items.length && items[l] < items[smallest]) {
          smallest = l;
        }
        if (r < items.length && items[r] < items[smallest]) {
          smallest = r;
        }
        if (smallest === i) {
          break;
        }
        [items[smallest], items[i]] = [items[i], items[smallest]];
        i = smallest;
      }
    }
    return top;
  }
}
