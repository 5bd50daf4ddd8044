using System.CommandLine;
using System.Globalization;
using Sharptune.Visualization;

namespace Sharptune.Cli;

/// <summary>The <c>plot</c> command: Optuna's plots of a study, written as HTML, PNG or SVG.</summary>
internal sealed partial class CliApp
{
    /// <summary>The plot kinds, by command-line name.</summary>
    internal static readonly string[] PlotKinds =
    [
        "optimization-history", "intermediate-values", "slice", "contour", "parallel-coordinate", "rank",
        "param-importances", "edf", "pareto-front", "hypervolume-history", "timeline",
    ];

    private Command PlotCommand()
    {
        var kind = new Argument<string>("kind") { Description = "The plot: " + string.Join(", ", PlotKinds) + "." };
        kind.AcceptOnlyFromAmong(PlotKinds);
        var name = RequiredStudyName("The name of the study to plot.");
        var output = new Option<string>("--output", "-o") { Description = "The file to write: .html (interactive, plotly.js embedded), .png or .svg.", Required = true };
        var width = new Option<int?>("--width") { Description = "Image width in pixels (PNG and SVG)." };
        var height = new Option<int?>("--height") { Description = "Image height in pixels (PNG and SVG)." };
        var reference = new Option<string[]?>("--reference-point")
        {
            Description = "The reference point of hypervolume-history, one value per objective.",
            AllowMultipleArgumentsPerToken = true,
            Arity = ArgumentArity.OneOrMore,
        };
        var command = new Command("plot", "Write a plot of a study (Optuna's plot_* functions) to an HTML, PNG or SVG file.")
        {
            kind, name, output, width, height, reference,
        };
        SetAction(command, r =>
        {
            string path = r.GetValue(output)!;
            string extension = Path.GetExtension(path).ToLowerInvariant();
            if (extension is not (".html" or ".htm" or ".png" or ".svg"))
            {
                throw new CliException($"--output must end with .html, .png or .svg, got '{path}'.");
            }

            var storage = OpenStorage(r);
            try
            {
                var study = LoadStudy(r.GetValue(name), storage);
                var figure = r.GetValue(kind) switch
                {
                    "optimization-history" => study.PlotOptimizationHistory(),
                    "intermediate-values" => study.PlotIntermediateValues(),
                    "slice" => study.PlotSlice(),
                    "contour" => study.PlotContour(),
                    "parallel-coordinate" => study.PlotParallelCoordinate(),
                    "rank" => study.PlotRank(),
                    "param-importances" => study.PlotParamImportances(),
                    "edf" => study.PlotEdf(),
                    "pareto-front" => study.PlotParetoFront(),
                    "hypervolume-history" => study.PlotHypervolumeHistory(ReferencePoint(r.GetValue(reference), study)),
                    _ => study.PlotTimeline(),
                };
                switch (extension)
                {
                    case ".png":
                        figure.SavePng(path, r.GetValue(width), r.GetValue(height));
                        break;
                    case ".svg":
                        figure.SaveSvg(path, r.GetValue(width), r.GetValue(height));
                        break;
                    default:
                        figure.SaveHtml(path);
                        break;
                }

                Log.Info($"Wrote the {r.GetValue(kind)} plot of {study.StudyName} to {path}.");
                return 0;
            }
            finally
            {
                Dispose(storage);
            }
        });
        return command;
    }

    private static double[] ReferencePoint(string[]? texts, Study study)
    {
        if (texts is not { Length: > 0 })
        {
            throw new CliException("hypervolume-history needs --reference-point, one value per objective.");
        }

        var point = new double[texts.Length];
        for (int i = 0; i < texts.Length; i++)
        {
            if (!TryParsePythonFloat(texts[i], out point[i]))
            {
                throw new CliException($"--reference-point: invalid float value: '{texts[i]}'");
            }
        }

        if (point.Length != study.Directions.Count)
        {
            throw new CliException(string.Create(CultureInfo.InvariantCulture, $"--reference-point needs {study.Directions.Count} values (one per objective), got {point.Length}."));
        }

        return point;
    }
}
