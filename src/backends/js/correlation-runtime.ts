/**
 * The streaming correlator of a generated correlation module, copied into the module as source
 * text (the module imports nothing). It implements the semantics of the reference correlator
 * (src/sigma/correlate.ts) with bounded memory, in arrival order:
 *
 * - matched events wait in a reorder heap until an event `lateness` newer has arrived, then are
 *   released in time order; an event older than one already released is counted as late and not
 *   correlated (the reference's `lateness` model);
 * - released events form batches of equal time; when time moves on, each node (inner correlations
 *   first) closes the batch: it updates per-group state that holds only what the window needs
 *   (times, value counts, last time per rule, best chain start per rule) and tests the condition;
 * - a group whose newest event is older than the timespan is dropped at the next sweep.
 *
 * $some (runtime.ts) resolves field paths exactly as the rule predicates do.
 */
export const CORRELATION_RUNTIME = String.raw`
/** RFC 3339 with an offset → microseconds since the epoch (digits beyond microseconds dropped). */
function $timeUs(value) {
  if (typeof value !== "string") return undefined;
  const m =
    /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d+))?(?:[Zz]|([+-])(\d{2}):(\d{2}))$/.exec(
      value,
    );
  if (m === null) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
  const offH = m[9] === undefined ? 0 : Number(m[9]);
  const offM = m[10] === undefined ? 0 : Number(m[10]);
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const monthDays = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  if (month < 1 || month > 12 || day < 1 || day > monthDays[month - 1]) return undefined;
  if (hour > 23 || minute > 59 || second > 60 || offH > 23 || offM > 59) return undefined;
  const fraction = Number((m[7] ?? "").slice(0, 6).padEnd(6, "0"));
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const days = era * 146097 + yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy - 719468;
  const sign = m[8] === "-" ? -1 : 1;
  const seconds =
    days * 86400 + hour * 3600 + minute * 60 + Math.min(second, 59) - sign * (offH * 3600 + offM * 60);
  return seconds * 1000000 + fraction;
}

/** Microseconds since the epoch → RFC 3339 in UTC with six fractional digits. */
function $formatUs(us) {
  const seconds = Math.floor(us / 1000000);
  const days = Math.floor(seconds / 86400);
  const rest = seconds - days * 86400;
  const date = new Date(days * 86400000);
  const pad = (n, w = 2) => String(n).padStart(w, "0");
  return (
    pad(date.getUTCFullYear(), 4) +
    "-" +
    pad(date.getUTCMonth() + 1) +
    "-" +
    pad(date.getUTCDate()) +
    "T" +
    pad(Math.floor(rest / 3600)) +
    ":" +
    pad(Math.floor(rest / 60) % 60) +
    ":" +
    pad(rest % 60) +
    "." +
    pad(us - seconds * 1000000, 6) +
    "Z"
  );
}

/** The scalar values at a field as text (numbers by String(n)), each once, in order. */
function $texts(event, path) {
  const out = [];
  $some(event, path, (v) => {
    const t = typeof v === "string" || typeof v === "number" || typeof v === "boolean" ? String(v) : undefined;
    if (t !== undefined && !out.includes(t)) out.push(t);
    return false;
  });
  return out;
}

/** The event's time: its time field must hold exactly one timestamp. */
function $eventTime(event, path) {
  const leaves = [];
  $some(event, path, (v) => {
    leaves.push(v);
    return false;
  });
  return leaves.length === 1 ? $timeUs(leaves[0]) : undefined;
}

/** Every combination of one value per list. */
function $cross(lists) {
  let out = [[]];
  for (const list of lists) out = out.flatMap((prefix) => list.map((v) => [...prefix, v]));
  return out;
}

function $holds(condition, n) {
  for (const [op, value] of condition) {
    if (op === "gt" && !(n > value)) return false;
    if (op === "gte" && !(n >= value)) return false;
    if (op === "lt" && !(n < value)) return false;
    if (op === "lte" && !(n <= value)) return false;
    if (op === "eq" && n !== value) return false;
    if (op === "neq" && n === value) return false;
  }
  return true;
}

/** A binary min-heap of released-later events, ordered by time, then arrival. */
function $heapPush(heap, item) {
  heap.push(item);
  let i = heap.length - 1;
  while (i > 0) {
    const parent = (i - 1) >> 1;
    if ($before(heap[parent], heap[i])) break;
    [heap[parent], heap[i]] = [heap[i], heap[parent]];
    i = parent;
  }
}

function $heapPop(heap) {
  const top = heap[0];
  const last = heap.pop();
  if (heap.length > 0) {
    heap[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && $before(heap[l], heap[m])) m = l;
      if (r < heap.length && $before(heap[r], heap[m])) m = r;
      if (m === i) break;
      [heap[m], heap[i]] = [heap[i], heap[m]];
      i = m;
    }
  }
  return top;
}

function $before(a, b) {
  return a.time < b.time || (a.time === b.time && a.seq < b.seq);
}

/** One group's state: only what its window needs. */
function $newGroup(node) {
  return {
    group: null,
    last: -Infinity,
    times: [],
    head: 0,
    values: new Map(),
    ruleLast: node.steps.map(() => -Infinity),
    best: node.steps.map(() => -Infinity),
  };
}

/** Closes the batch of time t for one group; returns the count when the condition holds. */
function $closeGroup(node, state, entries, t) {
  const floor = t - node.timespan;
  state.last = t;
  if (node.type === "temporal_ordered") {
    const k = node.steps.length;
    const next = state.best.slice();
    let fires = false;
    for (const entry of entries) {
      for (const step of entry.steps) {
        const start = step === 0 ? t : state.best[step - 1];
        if (start === -Infinity) continue;
        if (start > next[step]) next[step] = start;
        if (step === k - 1 && start >= floor) fires = true;
      }
    }
    state.best = next;
    return fires ? k : undefined;
  }
  if (node.type === "temporal") {
    for (const entry of entries) for (const step of entry.steps) state.ruleLast[step] = t;
    const count = state.ruleLast.filter((last) => last >= floor).length;
    return $holds(node.condition, count) ? count : undefined;
  }
  for (const entry of entries) {
    state.times.push({ time: t, values: entry.values });
    for (const v of entry.values) state.values.set(v, (state.values.get(v) ?? 0) + 1);
  }
  while (state.times[state.head].time < floor) {
    for (const v of state.times[state.head].values) {
      const n = state.values.get(v) - 1;
      if (n === 0) state.values.delete(v);
      else state.values.set(v, n);
    }
    state.head++;
  }
  if (state.head > 1024 && state.head * 2 > state.times.length) {
    state.times = state.times.slice(state.head);
    state.head = 0;
  }
  const count = node.type === "value_count" ? state.values.size : state.times.length - state.head;
  return $holds(node.condition, count) ? count : undefined;
}

/**
 * The correlator over nodes (inner correlations first, the root last). push(event) takes raw events
 * in arrival order; pushMatched(event, ruleIndexes) takes events whose base-rule matches are known.
 * Both return the root's matches that became final; flush() ends the stream.
 */
function $correlator(rules, nodes, timeField, lateness) {
  const heap = [];
  const counts = { events: 0, matched: 0, untimed: 0, late: 0, matches: 0 };
  const states = nodes.map(() => ({ groups: new Map(), batch: new Map() }));
  let seq = 0;
  let newest = -Infinity;
  let released = -Infinity;
  let open = null;
  let batches = 0;

  function add(index, origin, group, step, values) {
    const key = JSON.stringify(group);
    const batch = states[index].batch;
    const id = origin + "\u0000" + key;
    let entry = batch.get(id);
    if (entry === undefined) {
      entry = { key, group, steps: new Set(), values: new Set() };
      batch.set(id, entry);
    }
    entry.steps.add(step);
    for (const v of values) entry.values.add(v);
  }

  function release(item, out) {
    if (open !== null && item.time > open) close(out);
    open = item.time;
    released = item.time;
    nodes.forEach((node, index) => {
      node.steps.forEach((step, k) => {
        if (step.rule === undefined || !item.matched.includes(step.rule)) return;
        const values = step.value === null ? [] : $texts(item.event, step.value);
        for (const group of $cross(step.group.map((f) => $texts(item.event, f))))
          add(index, "e" + item.seq, group, k, values);
      });
    });
  }

  function close(out) {
    const t = open;
    open = null;
    batches++;
    nodes.forEach((node, index) => {
      const state = states[index];
      const byGroup = new Map();
      for (const entry of state.batch.values()) {
        const list = byGroup.get(entry.key);
        if (list === undefined) byGroup.set(entry.key, [entry]);
        else list.push(entry);
      }
      state.batch = new Map();
      let n = 0;
      for (const [key, entries] of byGroup) {
        let group = state.groups.get(key);
        if (group === undefined) {
          group = $newGroup(node);
          group.group = entries[0].group;
          state.groups.set(key, group);
        }
        const count = $closeGroup(node, group, entries, t);
        if (count === undefined) continue;
        const match = { time: t, group: group.group, count };
        if (index === nodes.length - 1) {
          counts.matches++;
          out.push({
            time: $formatUs(t),
            timeUs: t,
            group: Object.fromEntries(node.groupBy.map((name, i) => [name, group.group[i]])),
            count,
          });
        }
        nodes.forEach((parent, p) => {
          parent.steps.forEach((step, k) => {
            if (step.node !== index) return;
            const pick = (name) => match.group[node.groupBy.indexOf(name)];
            const values = step.value === null ? [] : [pick(step.value)];
            add(p, "m" + index + ":" + n, step.group.map(pick), k, values);
          });
        });
        n++;
      }
      if (batches % 4096 === 0) {
        for (const [key, group] of state.groups)
          if (group.last < t - node.timespan) state.groups.delete(key);
      }
    });
  }

  function pushMatched(event, matched) {
    counts.events++;
    if (matched.length === 0) return [];
    const time = $eventTime(event, timeField);
    if (time === undefined) {
      counts.untimed++;
      return [];
    }
    if (time < released) {
      counts.late++;
      return [];
    }
    counts.matched++;
    $heapPush(heap, { time, seq: seq++, event, matched });
    if (time > newest) newest = time;
    const out = [];
    while (heap.length > 0 && heap[0].time <= newest - lateness) release($heapPop(heap), out);
    return out;
  }

  return {
    push(event) {
      const matched = [];
      for (let i = 0; i < rules.length; i++) if (rules[i](event)) matched.push(i);
      return pushMatched(event, matched);
    },
    pushMatched,
    flush() {
      const out = [];
      while (heap.length > 0) release($heapPop(heap), out);
      if (open !== null) close(out);
      return out;
    },
    stats() {
      return { ...counts, groups: states.reduce((n, s) => n + s.groups.size, 0), pending: heap.length };
    },
  };
}
`;
