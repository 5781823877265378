package org.ferretdboperator.harness;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * gaps.png: one strip per system and scenario, every run's write gap (fault -> first acknowledged write) as a dot and
 * the median as a bar, on a logarithmic seconds axis so that sub-second and half-minute figures both stay readable.
 * Drawn with java.awt in headless mode; no plotting library.
 */
final class GapPlot {

    private static final double[] TICKS = {0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100, 200};
    private static final Color[] COLORS = {new Color(0x1f77b4), new Color(0xd62728), new Color(0xff7f0e), new Color(0x2ca02c),
            new Color(0x9467bd), new Color(0x8c564b)};

    private GapPlot() {
    }

    /** Writes the plot; false (and a log line) when there is nothing to plot or java.awt cannot draw here. */
    static boolean write(Path file, List<BenchReport.Row> rows) {
        List<BenchReport.Row> plotted = rows.stream().filter(r -> !r.failoverSeconds().isEmpty()).toList();
        if (plotted.isEmpty()) {
            return false;
        }
        System.setProperty("java.awt.headless", "true");
        try {
            double min = Math.max(0.05, plotted.stream().flatMap(r -> r.failoverSeconds().stream()).mapToDouble(d -> d).min()
                    .orElse(0.1) * 0.8);
            double max = plotted.stream().flatMap(r -> r.failoverSeconds().stream()).mapToDouble(d -> d).max().orElse(1) * 1.25;
            double lo = Math.log10(Math.min(min, 0.1));
            double hi = Math.log10(Math.max(max, 1));
            int labelWidth = 330;
            int plotWidth = 760;
            int rowHeight = 34;
            int top = 44;
            int bottom = 56;
            int width = labelWidth + plotWidth + 30;
            int height = top + rowHeight * plotted.size() + bottom;
            BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = image.createGraphics();
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
            g.setColor(Color.BLACK);
            g.drawString("Write gap per run: fault -> first acknowledged write (s, log scale); bar = median", 10, 22);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            FontMetrics fm = g.getFontMetrics();
            int x0 = labelWidth;
            int axisY = top + rowHeight * plotted.size();
            // grid and ticks
            for (double t : TICKS) {
                double lt = Math.log10(t);
                if (lt < lo - 1e-9 || lt > hi + 1e-9) {
                    continue;
                }
                int x = x0 + (int) Math.round((lt - lo) / (hi - lo) * plotWidth);
                g.setColor(new Color(0xe0e0e0));
                g.drawLine(x, top - 6, x, axisY);
                g.setColor(Color.BLACK);
                g.drawLine(x, axisY, x, axisY + 5);
                String label = t < 1 ? String.valueOf(t) : String.valueOf((int) t);
                g.drawString(label, x - fm.stringWidth(label) / 2, axisY + 18);
            }
            g.drawLine(x0, axisY, x0 + plotWidth, axisY);
            g.drawString("seconds", x0 + plotWidth / 2 - fm.stringWidth("seconds") / 2, axisY + 36);
            List<String> systems = plotted.stream().map(BenchReport.Row::system).distinct().toList();
            for (int i = 0; i < plotted.size(); i++) {
                BenchReport.Row r = plotted.get(i);
                int y = top + rowHeight * i + rowHeight / 2;
                Color c = COLORS[systems.indexOf(r.system()) % COLORS.length];
                g.setColor(Color.BLACK);
                String label = r.system() + "  " + r.scenario() + "  (n=" + r.failoverSeconds().size() + ")";
                g.drawString(label, 10, y + fm.getAscent() / 2 - 2);
                g.setColor(c);
                int n = 0;
                for (double v : r.failoverSeconds()) {
                    double lv = Math.log10(Math.max(v, Math.pow(10, lo)));
                    int x = x0 + (int) Math.round((lv - lo) / (hi - lo) * plotWidth);
                    int jitter = (n++ % 5 - 2) * 3; // spread coinciding dots vertically
                    g.fillOval(x - 4, y - 4 + jitter, 8, 8);
                }
                if (r.failoverP50() != null) {
                    double lm = Math.log10(Math.max(r.failoverP50(), Math.pow(10, lo)));
                    int x = x0 + (int) Math.round((lm - lo) / (hi - lo) * plotWidth);
                    g.setStroke(new BasicStroke(3));
                    g.setColor(Color.BLACK);
                    g.drawLine(x, y - 12, x, y + 12);
                    g.setStroke(new BasicStroke(1));
                    String median = "%.2f".formatted(r.failoverP50());
                    g.drawString(median, x + 5, y - 6);
                }
            }
            g.dispose();
            ImageIO.write(image, "png", file.toFile());
            return true;
        } catch (Throwable e) { // a JDK without fonts or AWT: the figures in report.md and results.json still stand
            Harness.log("could not draw %s: %s", file, e);
            return false;
        }
    }
}
