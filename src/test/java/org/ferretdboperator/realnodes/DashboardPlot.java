package org.ferretdboperator.realnodes;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * The dashboard's panels as line plots of what a real Prometheus answered to their queries over a test's time range:
 * one box per panel, one line per series, the legend as the dashboard formats it, time in minutes since the start.
 * Drawn with java.awt in headless mode like the benchmark reports' gaps.png (harness.GapPlot); no Grafana.
 */
final class DashboardPlot {

    /** One series: legend and samples (seconds since the plot's start, value; NaN values are gaps). */
    record Series(String legend, double[] seconds, double[] values) {
    }

    record PanelData(String title, String type, List<Series> series) {
    }

    private static final Color[] COLORS = {new Color(0x1f77b4), new Color(0xd62728), new Color(0xff7f0e), new Color(0x2ca02c),
            new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x17becf)};
    private static final int COLUMNS = 3;
    private static final int PANEL_W = 520;
    private static final int PANEL_H = 300;
    private static final int LEGEND_ROWS = 4;

    private DashboardPlot() {
    }

    static void write(Path file, String title, double durationSeconds, List<PanelData> panels) throws IOException {
        System.setProperty("java.awt.headless", "true");
        int rows = (panels.size() + COLUMNS - 1) / COLUMNS;
        int top = 40;
        int width = COLUMNS * PANEL_W;
        int height = top + rows * PANEL_H;
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        g.drawString(title, 10, 25);
        for (int i = 0; i < panels.size(); i++) {
            drawPanel(g, panels.get(i), (i % COLUMNS) * PANEL_W, top + (i / COLUMNS) * PANEL_H, durationSeconds);
        }
        g.dispose();
        Files.createDirectories(file.toAbsolutePath().getParent());
        if (!ImageIO.write(image, "png", file.toFile())) {
            throw new IOException("no PNG writer");
        }
    }

    private static void drawPanel(Graphics2D g, PanelData panel, int x, int y, double duration) {
        int pad = 8;
        g.setColor(new Color(0xc0c0c0));
        g.drawRect(x + 4, y + 4, PANEL_W - 8, PANEL_H - 8);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 12));
        g.drawString(panel.title() + "  [" + panel.type() + "]", x + pad + 4, y + 22);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
        FontMetrics fm = g.getFontMetrics();
        int legendH = LEGEND_ROWS * (fm.getHeight());
        int px = x + 60;
        int py = y + 32;
        int pw = PANEL_W - 60 - 2 * pad - 4;
        int ph = PANEL_H - 32 - legendH - 30;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (Series s : panel.series()) {
            for (double v : s.values()) {
                if (Double.isFinite(v)) {
                    min = Math.min(min, v);
                    max = Math.max(max, v);
                }
            }
        }
        if (!Double.isFinite(min)) {
            g.drawString("no finite values in the range", px + 10, py + ph / 2);
            return;
        }
        min = Math.min(min, 0);
        if (max <= min) {
            max = min + 1;
        }
        max += (max - min) * 0.08;
        // axes, y ticks, x ticks in minutes
        g.setColor(new Color(0xe0e0e0));
        for (int t = 0; t <= 4; t++) {
            int ty = py + ph - t * ph / 4;
            g.drawLine(px, ty, px + pw, ty);
        }
        g.setColor(Color.BLACK);
        g.drawLine(px, py + ph, px + pw, py + ph);
        g.drawLine(px, py, px, py + ph);
        for (int t = 0; t <= 4; t++) {
            int ty = py + ph - t * ph / 4;
            String label = format(min + (max - min) * t / 4);
            g.drawString(label, px - 4 - fm.stringWidth(label), ty + fm.getAscent() / 2 - 1);
        }
        double minutes = duration / 60;
        int step = minutes <= 6 ? 1 : minutes <= 15 ? 2 : 5;
        for (int m = 0; m <= minutes; m += step) {
            int tx = px + (int) Math.round(m * 60 / duration * pw);
            g.drawLine(tx, py + ph, tx, py + ph + 3);
            g.drawString(m + "m", tx - 6, py + ph + 14);
        }
        // series
        g.setStroke(new BasicStroke(1.6f));
        for (int si = 0; si < panel.series().size(); si++) {
            Series s = panel.series().get(si);
            g.setColor(COLORS[si % COLORS.length]);
            int lastX = -1;
            int lastY = -1;
            for (int k = 0; k < s.values().length; k++) {
                double v = s.values()[k];
                if (!Double.isFinite(v)) {
                    lastX = -1;
                    continue;
                }
                int sx = px + (int) Math.round(s.seconds()[k] / duration * pw);
                int sy = py + ph - (int) Math.round((v - min) / (max - min) * ph);
                if (lastX >= 0) {
                    g.drawLine(lastX, lastY, sx, sy);
                } else {
                    g.fillOval(sx - 2, sy - 2, 4, 4);
                }
                lastX = sx;
                lastY = sy;
            }
        }
        g.setStroke(new BasicStroke(1));
        // legend
        int ly = py + ph + 18 + fm.getAscent();
        for (int si = 0; si < panel.series().size() && si < LEGEND_ROWS * 2; si++) {
            int lx = x + pad + 8 + (si % 2) * (PANEL_W / 2 - 10);
            int row = si / 2;
            String text = panel.series().get(si).legend();
            if (si == LEGEND_ROWS * 2 - 1 && panel.series().size() > LEGEND_ROWS * 2) {
                text = "... " + (panel.series().size() - si) + " more";
            }
            g.setColor(COLORS[si % COLORS.length]);
            g.fillRect(lx, ly + row * fm.getHeight() - fm.getAscent() + 2, 10, 6);
            g.setColor(Color.BLACK);
            g.drawString(clip(fm, text, PANEL_W / 2 - 30), lx + 14, ly + row * fm.getHeight());
        }
    }

    private static String clip(FontMetrics fm, String text, int width) {
        if (fm.stringWidth(text) <= width) {
            return text;
        }
        String out = text;
        while (out.length() > 1 && fm.stringWidth(out + "...") > width) {
            out = out.substring(0, out.length() - 1);
        }
        return out + "...";
    }

    private static String format(double v) {
        double a = Math.abs(v);
        if (a >= 1e9) {
            return "%.1fG".formatted(v / 1e9);
        }
        if (a >= 1e6) {
            return "%.1fM".formatted(v / 1e6);
        }
        if (a >= 1e3) {
            return "%.1fk".formatted(v / 1e3);
        }
        if (a == Math.rint(a)) {
            return String.valueOf((long) v);
        }
        return "%.2f".formatted(v);
    }
}
