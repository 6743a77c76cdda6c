/** A point in pixel coordinates. */
export interface Point {
  readonly x: number;
  readonly y: number;
}

/** A rectangle of any rotation: centre, side lengths and the angle (radians) of its `w` side. */
export interface RotatedRect {
  readonly cx: number;
  readonly cy: number;
  /** Length of the side along `angle` (the reading direction for text lines). */
  readonly w: number;
  /** Length of the other side. */
  readonly h: number;
  /** Angle of the `w` side from the x axis, radians, clockwise in image coordinates. */
  readonly angle: number;
}

/** Four corners: top-left, top-right, bottom-right, bottom-left in reading order. */
export type Quad = readonly [Point, Point, Point, Point];

function cross(o: Point, a: Point, b: Point): number {
  return (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x);
}

/** Return the convex hull of points (Andrew's monotone chain), counter-clockwise, without repeats. */
export function convexHull(points: Point[]): Point[] {
  if (points.length < 3) return [...points];
  const pts = [...points].sort((a, b) => a.x - b.x || a.y - b.y);
  const lower: Point[] = [];
  for (const p of pts) {
    while (lower.length >= 2 && cross(lower[lower.length - 2] as Point, lower[lower.length - 1] as Point, p) <= 0) lower.pop();
    lower.push(p);
  }
  const upper: Point[] = [];
  for (let i = pts.length - 1; i >= 0; i--) {
    const p = pts[i] as Point;
    while (upper.length >= 2 && cross(upper[upper.length - 2] as Point, upper[upper.length - 1] as Point, p) <= 0) upper.pop();
    upper.push(p);
  }
  lower.pop();
  upper.pop();
  return lower.concat(upper);
}

/** Return the minimum-area enclosing rectangle of a convex hull (rotating calipers), its long side as `w`. */
export function minAreaRect(hull: readonly Point[]): RotatedRect {
  let best: RotatedRect = { cx: hull[0]?.x ?? 0, cy: hull[0]?.y ?? 0, w: 0, h: 0, angle: 0 };
  let bestArea = Infinity;
  for (let i = 0; i < hull.length; i++) {
    const a = hull[i] as Point;
    const b = hull[(i + 1) % hull.length] as Point;
    const len = Math.hypot(b.x - a.x, b.y - a.y);
    if (len === 0) continue;
    const ex = (b.x - a.x) / len;
    const ey = (b.y - a.y) / len;
    let umin = Infinity;
    let umax = -Infinity;
    let vmin = Infinity;
    let vmax = -Infinity;
    for (const p of hull) {
      const u = p.x * ex + p.y * ey;
      const v = -p.x * ey + p.y * ex;
      if (u < umin) umin = u;
      if (u > umax) umax = u;
      if (v < vmin) vmin = v;
      if (v > vmax) vmax = v;
    }
    const area = (umax - umin) * (vmax - vmin);
    if (area < bestArea) {
      bestArea = area;
      const uc = (umin + umax) / 2;
      const vc = (vmin + vmax) / 2;
      best = { cx: uc * ex - vc * ey, cy: uc * ey + vc * ex, w: umax - umin, h: vmax - vmin, angle: Math.atan2(ey, ex) };
    }
  }
  return normaliseRect(best);
}

/** Make `w` the long side and point it rightwards (angle in (-π/2, π/2]). */
export function normaliseRect(r: RotatedRect): RotatedRect {
  let { w, h, angle } = r;
  if (h > w) {
    [w, h] = [h, w];
    angle += Math.PI / 2;
  }
  while (angle > Math.PI / 2) angle -= Math.PI;
  while (angle <= -Math.PI / 2) angle += Math.PI;
  return { cx: r.cx, cy: r.cy, w, h, angle };
}

/** Return the corners of a rectangle: top-left, top-right, bottom-right, bottom-left along its angle. */
export function rectCorners(r: RotatedRect): Quad {
  const ex = Math.cos(r.angle);
  const ey = Math.sin(r.angle);
  const hw = r.w / 2;
  const hh = r.h / 2;
  const at = (u: number, v: number): Point => ({ x: r.cx + u * ex - v * ey, y: r.cy + u * ey + v * ex });
  return [at(-hw, -hh), at(hw, -hh), at(hw, hh), at(-hw, hh)];
}

/** Rebuild a rectangle from corners (top-left, top-right, bottom-right, bottom-left). */
export function rectFromCorners(q: Quad): RotatedRect {
  const [a, b, c, d] = q;
  const cx = (a.x + b.x + c.x + d.x) / 4;
  const cy = (a.y + b.y + c.y + d.y) / 4;
  const w = (Math.hypot(b.x - a.x, b.y - a.y) + Math.hypot(c.x - d.x, c.y - d.y)) / 2;
  const h = (Math.hypot(d.x - a.x, d.y - a.y) + Math.hypot(c.x - b.x, c.y - b.y)) / 2;
  const angle = Math.atan2(b.y - a.y + (c.y - d.y), b.x - a.x + (c.x - d.x));
  return { cx, cy, w, h, angle };
}
