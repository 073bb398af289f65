/**
 * The elementwise ops the model composes everything else from, kept to this list
 * ({@link dev.ssam.ops.elementwise.Elementwise}):
 *
 * <table>
 * <caption>ops (shapes row-major, last index fastest)</caption>
 * <tr><th>op</th><th>formula</th><th>shapes</th><th>backward, composed from this set</th></tr>
 * <tr><td>add</td><td>out = x + y</td><td>x, y, out: same shape</td><td>gx = gy = gout</td></tr>
 * <tr><td>mul</td><td>out = x * y</td><td>x, y, out: same shape</td><td>gx = mul(gout, y), gy = mul(gout, x)</td></tr>
 * <tr><td>scale</td><td>out = a * x</td><td>x, out: same shape</td><td>gx = scale(gout, a)</td></tr>
 * <tr><td>axpy</td><td>y += a * x (accumulates)</td><td>x, y: same shape</td><td>gx = scale(gy, a)</td></tr>
 * <tr><td>fill</td><td>out = c</td><td>any</td><td>none</td></tr>
 * <tr><td>addRow</td><td>out[m, :] = x[m, :] + v</td><td>x, out: (M, D); v: (D)</td>
 *     <td>gx = gout, gv = {@code Reduce.sumRows(gout)}</td></tr>
 * <tr><td>split</td><td>a = src[.., :C1], b = src[.., C1:]</td><td>src (.., C1 + C2), a (.., C1), b (.., C2)</td>
 *     <td>gsrc = concat(ga, gb)</td></tr>
 * <tr><td>concat</td><td>out = [a | b] along the last dim</td><td>a (.., C1), b (.., C2), out (.., C1 + C2)</td>
 *     <td>split(gout)</td></tr>
 * </table>
 *
 * <p>split is how the mixer separates in_proj's {@code xz (B*L, 2E)} into x and z. Outputs of
 * add, mul, scale, axpy and addRow may be the very same window as an input (in place, e.g. the
 * residual {@code r = r + h}); partial overlaps are rejected. Ref and Cpu give bitwise equal
 * results (no fused multiply-add, no reassociation).
 */
package dev.ssam.ops.elementwise;
