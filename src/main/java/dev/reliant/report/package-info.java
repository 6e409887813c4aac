/**
 * Result figures written by the JVM itself, so a campaign or a SWIM sweep can leave its plots
 * next to its CSV without Python or a plotting library.
 *
 * <ul>
 *   <li>{@link dev.reliant.report.LinePlot}: lines with markers, optional error bars or shaded
 *       bands (mean ± std), a legend, linear or log x axis; written as a PNG atomically.
 *   <li>{@link dev.reliant.report.AxisTicks}: axis range and nice ticks (1-2-5 steps, decades).
 * </ul>
 *
 * <p>Drawing uses java.awt off-screen images only, which need no display and work with
 * {@code java.awt.headless=true}; text needs fontconfig and one font (Debian packages
 * {@code fontconfig} and {@code fonts-dejavu-core}). Depends on no other package of the project.
 */
package dev.reliant.report;
