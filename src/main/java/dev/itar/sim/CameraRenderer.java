package dev.itar.sim;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Renders what a level pinhole camera sees of a {@link Scene} as a JPEG: sky, ground, the road with
 * centre dashes, and the boxes (flat-shaded faces, painter's algorithm). No anti-aliasing, no text and
 * fixed JPEG settings, so the same pose gives the same bytes.
 */
final class CameraRenderer {
    static {
        // Rendering needs no display; never let a CLI run try to open one.
        System.setProperty("java.awt.headless", "true");
    }

    /** Horizontal field of view of the simulated wide-angle cameras. */
    static final double HORIZONTAL_FOV_RAD = Math.toRadians(100);
    private static final double NEAR_M = 0.1;
    private static final float JPEG_QUALITY = 0.85f;
    private static final double[][] FACE_NORMALS = {{-1, 0, 0}, {1, 0, 0}, {0, -1, 0}, {0, 1, 0}, {0, 0, 1}};

    private final Scene scene;
    private final int width;
    private final int height;

    CameraRenderer(Scene scene, int width, int height) {
        this.scene = scene;
        this.width = width;
        this.height = height;
    }

    double focalLength() {
        return width / (2 * Math.tan(HORIZONTAL_FOV_RAD / 2));
    }

    double cx() {
        return width / 2.0;
    }

    double cy() {
        return height / 2.0;
    }

    /** A polygon in world coordinates with its fill colour and a depth key for painting order. */
    private record Poly(double[][] world, Color color) {
    }

    private record Projected(Path2D.Double path, Color color, double depth) {
    }

    byte[] renderJpeg(Rigid cameraToWorld, double egoArcLength) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_OFF);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_SPEED);
            int horizon = (int) Math.round(cy());
            g.setPaint(new GradientPaint(0, 0, new Color(0x5E9BD6), 0, horizon, new Color(0xD8E8F5)));
            g.fillRect(0, 0, width, horizon);
            g.setPaint(new Color(0x6B7F45));
            g.fillRect(0, horizon, width, height - horizon);

            Rigid worldToCamera = cameraToWorld.inverse();
            paint(g, project(worldToCamera, groundPolygons(egoArcLength)));
            paint(g, project(worldToCamera, boxFaces(cameraToWorld.t())));
        } finally {
            g.dispose();
        }
        return encodeJpeg(image);
    }

    private void paint(Graphics2D g, List<Projected> polygons) {
        polygons.sort(Comparator.comparingDouble(Projected::depth).reversed());
        for (Projected p : polygons) {
            g.setColor(p.color());
            g.fill(p.path());
        }
    }

    /** Road segments and centre dashes from 60 m behind to 110 m ahead of the ego position. */
    private List<Poly> groundPolygons(double egoArcLength) {
        EgoTrajectory path = scene.trajectory();
        List<Poly> polys = new ArrayList<>();
        double start = Math.floor((egoArcLength - 60) / 4) * 4;
        Color asphalt = new Color(0x3C3C40);
        for (double s = start; s < egoArcLength + 110; s += 4) {
            polys.add(new Poly(new double[][] {
                    path.poseAtArcLength(s, -Scene.ROAD_HALF_WIDTH).t(),
                    path.poseAtArcLength(s + 4.05, -Scene.ROAD_HALF_WIDTH).t(),
                    path.poseAtArcLength(s + 4.05, Scene.ROAD_HALF_WIDTH).t(),
                    path.poseAtArcLength(s, Scene.ROAD_HALF_WIDTH).t()}, asphalt));
        }
        Color paint = new Color(0xF0F0E6);
        for (double s = Math.floor((egoArcLength - 60) / 6) * 6; s < egoArcLength + 110; s += 6) {
            polys.add(new Poly(new double[][] {
                    lifted(path.poseAtArcLength(s, -0.08)),
                    lifted(path.poseAtArcLength(s + 3, -0.08)),
                    lifted(path.poseAtArcLength(s + 3, 0.08)),
                    lifted(path.poseAtArcLength(s, 0.08))}, paint));
        }
        return polys;
    }

    private static double[] lifted(Rigid pose) {
        double[] p = pose.t().clone();
        p[2] = 0.001;
        return p;
    }

    /** The five visible-from-outside faces (no bottom) of each box, flat-shaded by orientation. */
    private List<Poly> boxFaces(double[] eye) {
        List<Poly> polys = new ArrayList<>();
        for (Scene.Box b : scene.boxes()) {
            double[] c = b.centre();
            if (Math.hypot(c[0] - eye[0], c[1] - eye[1]) > 150) {
                continue;
            }
            double[][] faces = {
                    {b.minX(), b.minY(), b.minZ(), b.minX(), b.maxY(), b.minZ(), b.minX(), b.maxY(), b.maxZ(), b.minX(), b.minY(), b.maxZ()},
                    {b.maxX(), b.minY(), b.minZ(), b.maxX(), b.maxY(), b.minZ(), b.maxX(), b.maxY(), b.maxZ(), b.maxX(), b.minY(), b.maxZ()},
                    {b.minX(), b.minY(), b.minZ(), b.maxX(), b.minY(), b.minZ(), b.maxX(), b.minY(), b.maxZ(), b.minX(), b.minY(), b.maxZ()},
                    {b.minX(), b.maxY(), b.minZ(), b.maxX(), b.maxY(), b.minZ(), b.maxX(), b.maxY(), b.maxZ(), b.minX(), b.maxY(), b.maxZ()},
                    {b.minX(), b.minY(), b.maxZ(), b.maxX(), b.minY(), b.maxZ(), b.maxX(), b.maxY(), b.maxZ(), b.minX(), b.maxY(), b.maxZ()}};
            double[] shade = {0.70, 0.85, 0.60, 0.95, 1.10};
            for (int f = 0; f < faces.length; f++) {
                double[] n = FACE_NORMALS[f];
                double[] q = {faces[f][0], faces[f][1], faces[f][2]};
                double facing = n[0] * (eye[0] - q[0]) + n[1] * (eye[1] - q[1]) + n[2] * (eye[2] - q[2]);
                if (facing <= 0) {
                    continue; // back face
                }
                double[][] corners = new double[4][];
                for (int k = 0; k < 4; k++) {
                    corners[k] = new double[] {faces[f][3 * k], faces[f][3 * k + 1], faces[f][3 * k + 2]};
                }
                polys.add(new Poly(corners, shaded(b.rgb(), shade[f])));
            }
        }
        return polys;
    }

    private static Color shaded(int rgb, double factor) {
        int r = (int) Math.min(255, ((rgb >> 16) & 0xFF) * factor);
        int gr = (int) Math.min(255, ((rgb >> 8) & 0xFF) * factor);
        int b = (int) Math.min(255, (rgb & 0xFF) * factor);
        return new Color(r, gr, b);
    }

    private List<Projected> project(Rigid worldToCamera, List<Poly> polys) {
        double f = focalLength();
        List<Projected> out = new ArrayList<>();
        for (Poly poly : polys) {
            List<double[]> cam = new ArrayList<>();
            for (double[] p : poly.world()) {
                cam.add(worldToCamera.apply(p));
            }
            List<double[]> clipped = clipNear(cam);
            if (clipped.size() < 3) {
                continue;
            }
            Path2D.Double path = new Path2D.Double();
            double depth = 0;
            for (int i = 0; i < clipped.size(); i++) {
                double[] p = clipped.get(i);
                double u = cx() + f * p[0] / p[2];
                double v = cy() + f * p[1] / p[2];
                if (i == 0) {
                    path.moveTo(u, v);
                } else {
                    path.lineTo(u, v);
                }
                depth += Math.sqrt(p[0] * p[0] + p[1] * p[1] + p[2] * p[2]);
            }
            path.closePath();
            out.add(new Projected(path, poly.color(), depth / clipped.size()));
        }
        return out;
    }

    /** Sutherland–Hodgman against the near plane z = NEAR_M (camera frame). */
    private static List<double[]> clipNear(List<double[]> polygon) {
        List<double[]> out = new ArrayList<>();
        for (int i = 0; i < polygon.size(); i++) {
            double[] a = polygon.get(i);
            double[] b = polygon.get((i + 1) % polygon.size());
            boolean aIn = a[2] >= NEAR_M;
            boolean bIn = b[2] >= NEAR_M;
            if (aIn) {
                out.add(a);
            }
            if (aIn != bIn) {
                double k = (NEAR_M - a[2]) / (b[2] - a[2]);
                out.add(new double[] {a[0] + k * (b[0] - a[0]), a[1] + k * (b[1] - a[1]), NEAR_M});
            }
        }
        return out;
    }

    private static byte[] encodeJpeg(BufferedImage image) {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(32 * 1024);
        try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(JPEG_QUALITY);
            writer.setOutput(out);
            writer.write(null, new IIOImage(image, null, null), param);
        } catch (IOException e) {
            throw new UncheckedIOException("JPEG encoding of a simulated camera image failed", e);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }
}
