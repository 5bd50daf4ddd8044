namespace Sharptune.Visualization.Rendering;

/// <summary>Fills the unknown cells of a contour grid and interpolates it, as plotly's <c>connectgaps</c> does.</summary>
internal static class GridFill
{
    /// <summary>Replaces NaN cells by the converged average of their neighbours (Laplace relaxation); known cells stay.</summary>
    public static double[,] FillGaps(double[,] z)
    {
        int rows = z.GetLength(0), cols = z.GetLength(1);
        var result = (double[,])z.Clone();
        var known = new bool[rows, cols];
        double sum = 0;
        int count = 0;
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < cols; c++)
            {
                known[r, c] = double.IsFinite(z[r, c]);
                if (known[r, c])
                {
                    sum += z[r, c];
                    count++;
                }
            }
        }

        if (count == 0)
        {
            return result;
        }

        double mean = sum / count;
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < cols; c++)
            {
                if (!known[r, c])
                {
                    result[r, c] = mean;
                }
            }
        }

        int iterations = Math.Min(400, 4 * (rows + cols));
        for (int it = 0; it < iterations; it++)
        {
            double change = 0;
            for (int r = 0; r < rows; r++)
            {
                for (int c = 0; c < cols; c++)
                {
                    if (known[r, c])
                    {
                        continue;
                    }

                    double s = 0;
                    int n = 0;
                    if (r > 0) { s += result[r - 1, c]; n++; }
                    if (r < rows - 1) { s += result[r + 1, c]; n++; }
                    if (c > 0) { s += result[r, c - 1]; n++; }
                    if (c < cols - 1) { s += result[r, c + 1]; n++; }
                    double v = s / n;
                    change = Math.Max(change, Math.Abs(v - result[r, c]));
                    result[r, c] = v;
                }
            }

            if (change < 1e-9)
            {
                break;
            }
        }

        return result;
    }

    /// <summary>Bilinear interpolation of z (rows along ys, columns along xs; both ascending) at (x, y).</summary>
    public static double Bilinear(double[] xs, double[] ys, double[,] z, double x, double y)
    {
        int i = Segment(xs, x);
        int j = Segment(ys, y);
        double tx = xs[i + 1] > xs[i] ? Math.Clamp((x - xs[i]) / (xs[i + 1] - xs[i]), 0, 1) : 0;
        double ty = ys[j + 1] > ys[j] ? Math.Clamp((y - ys[j]) / (ys[j + 1] - ys[j]), 0, 1) : 0;
        double a = z[j, i], b = z[j, i + 1], c = z[j + 1, i], d = z[j + 1, i + 1];
        return ((a * (1 - tx)) + (b * tx)) * (1 - ty) + (((c * (1 - tx)) + (d * tx)) * ty);
    }

    private static int Segment(double[] values, double v)
    {
        int lo = 0, hi = values.Length - 2;
        while (lo < hi)
        {
            int mid = (lo + hi + 1) / 2;
            if (values[mid] <= v)
            {
                lo = mid;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return lo;
    }
}
