using System.Text.Json;
using Sharptune.Visualization.Plots;

namespace Sharptune.Visualization.Tests;

/// <summary>The figure data equals Optuna 5's <c>_get_*_info</c> results for the same studies (checked-in fixtures).</summary>
public sealed class FigureDataTests
{
    public static TheoryData<string> SingleObjective => new(["single", "single-constrained", "single-odd", "single-max", "maximize-numeric", "empty", "all-failed", "one-trial"]);

    public static TheoryData<string> MultiObjective => new(["multi2", "multi2-constrained", "multi3"]);

    [Theory]
    [MemberData(nameof(SingleObjective))]
    public void OptimizationHistoryMatchesOptuna(string name)
    {
        var study = Fixtures.Study(name);
        AssertHistory(Fixtures.Case(name, "history"), OptimizationHistory.GetInfo([study], null, "Objective Value", false));
        AssertHistory(Fixtures.Case(name, "history_target"), OptimizationHistory.GetInfo([study], t => t.Number * 0.5, "Half number", false));
    }

    [Fact]
    public void OptimizationHistoryOfSeveralStudiesAndErrorBarsMatchOptuna()
    {
        var studies = new[] { Fixtures.Study("single"), Fixtures.Study("single-constrained") };
        AssertHistory(Fixtures.Case("several", "history"), OptimizationHistory.GetInfo(studies, null, "Objective Value", false));
        AssertHistory(Fixtures.Case("several", "history_error_bar"), OptimizationHistory.GetInfo(studies, null, "Objective Value", true));
    }

    [Theory]
    [MemberData(nameof(MultiObjective))]
    public void OptimizationHistoryOfMultiObjectiveWithTargetMatchesOptuna(string name) =>
        AssertHistory(Fixtures.Case(name, "history_target"), OptimizationHistory.GetInfo([Fixtures.Study(name)], t => t.Values![0], "First", false));

    private static void AssertHistory(JsonElement expected, List<OptimizationHistoryInfo> actual)
    {
        Assert.Equal(expected.GetArrayLength(), actual.Count);
        int k = 0;
        foreach (var e in expected.EnumerateArray())
        {
            var a = actual[k++];
            Same.Ints(e.GetProperty("trial_numbers"), a.TrialNumbers, "trial_numbers");
            AssertValues(e.GetProperty("values_info"), a.ValuesInfo, "values_info");
            if (e.GetProperty("best_values_info").ValueKind == JsonValueKind.Null)
            {
                Assert.Null(a.BestValuesInfo);
            }
            else
            {
                AssertValues(e.GetProperty("best_values_info"), a.BestValuesInfo!, "best_values_info");
            }
        }

        static void AssertValues(JsonElement e, ValuesInfo a, string where)
        {
            Same.Numbers(e.GetProperty("values"), a.Values, where + ".values");
            if (e.GetProperty("stds").ValueKind == JsonValueKind.Null)
            {
                Assert.Null(a.Stds);
            }
            else
            {
                Same.Numbers(e.GetProperty("stds"), a.Stds!, where + ".stds");
            }

            Assert.Equal(e.GetProperty("label_name").GetString(), a.LabelName);
            Same.Strings(e.GetProperty("states"), a.States.Select(s => s.ToString()), where + ".states");
        }
    }

    [Theory]
    [MemberData(nameof(SingleObjective))]
    public void IntermediateValuesMatchOptuna(string name)
    {
        var expected = Fixtures.Case(name, "intermediate");
        var actual = IntermediateValues.GetInfo(Fixtures.Study(name));
        Assert.Equal(expected.GetArrayLength(), actual.Count);
        int k = 0;
        foreach (var e in expected.EnumerateArray())
        {
            var a = actual[k++];
            Assert.Equal(e.GetProperty("trial_number").GetInt32(), a.TrialNumber);
            Assert.Equal(e.GetProperty("feasible").GetBoolean(), a.Feasible);
            var steps = e.GetProperty("values").EnumerateArray().ToList();
            Assert.Equal(steps.Count, a.SortedIntermediateValues.Count);
            for (int i = 0; i < steps.Count; i++)
            {
                Assert.Equal(steps[i][0].GetInt32(), a.SortedIntermediateValues[i].Step);
                Same.Number(Fixtures.Number(steps[i][1]), a.SortedIntermediateValues[i].Value, $"trial {a.TrialNumber} step {i}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(SingleObjective))]
    public void SliceMatchesOptuna(string name)
    {
        AssertSlice(Fixtures.Case(name, "slice"), Slice.GetInfo(Fixtures.Study(name), null, null, "Objective Value"));
    }

    [Fact]
    public void SliceOfChosenParametersMatchesOptuna() =>
        AssertSlice(Fixtures.Case("single", "slice_subset"), Slice.GetInfo(Fixtures.Study("single"), ["n", "kind"], null, "Objective Value"));

    private static void AssertSlice(JsonElement e, SlicePlotInfo a)
    {
        Assert.Equal(e.GetProperty("target_name").GetString(), a.TargetName);
        var subs = e.GetProperty("subplots").EnumerateArray().ToList();
        Assert.Equal(subs.Count, a.Subplots.Count);
        for (int i = 0; i < subs.Count; i++)
        {
            var (es, s) = (subs[i], a.Subplots[i]);
            string where = $"subplot {s.ParamName}";
            Assert.Equal(es.GetProperty("param_name").GetString(), s.ParamName);
            Same.Values(es.GetProperty("x"), s.X, where + ".x");
            Same.Numbers(es.GetProperty("y"), s.Y, where + ".y");
            Same.Ints(es.GetProperty("trial_numbers"), s.TrialNumbers, where + ".trial_numbers");
            Assert.Equal(es.GetProperty("is_log").GetBoolean(), s.IsLog);
            Assert.Equal(es.GetProperty("is_numerical").GetBoolean(), s.IsNumerical);
            Same.Bools(es.GetProperty("constraints"), s.Constraints, where + ".constraints");
            if (es.GetProperty("x_labels").ValueKind == JsonValueKind.Null)
            {
                Assert.Null(s.XLabels);
            }
            else
            {
                Same.Values(es.GetProperty("x_labels"), s.XLabels!, where + ".x_labels");
            }
        }
    }

    [Theory]
    [MemberData(nameof(SingleObjective))]
    public void ContourMatchesOptuna(string name)
    {
        var e = Fixtures.Case(name, "contour");
        var study = Fixtures.Study(name);
        if (e.TryGetProperty("error", out var error))
        {
            var ex = Assert.Throws<ArgumentException>(() => Contour.GetInfo(study, null, null, "Objective Value"));
            Assert.StartsWith(error.GetString()!, ex.Message, StringComparison.Ordinal);
            return;
        }

        AssertContour(e, Contour.GetInfo(study, null, null, "Objective Value"));
    }

    [Fact]
    public void ContourOfTwoParametersMatchesOptuna() =>
        AssertContour(Fixtures.Case("single", "contour_pair"), Contour.GetInfo(Fixtures.Study("single"), ["x", "lr"], null, "Objective Value"));

    private static void AssertContour(JsonElement e, ContourInfo a)
    {
        Same.Strings(e.GetProperty("sorted_params"), a.SortedParams, "sorted_params");
        Assert.Equal(e.GetProperty("reverse_scale").GetBoolean(), a.ReverseScale);
        var rows = e.GetProperty("sub_plot_infos").EnumerateArray().ToList();
        Assert.Equal(rows.Count, a.SubPlotInfos.Count);
        for (int r = 0; r < rows.Count; r++)
        {
            var cols = rows[r].EnumerateArray().ToList();
            Assert.Equal(cols.Count, a.SubPlotInfos[r].Count);
            for (int c = 0; c < cols.Count; c++)
            {
                var (es, s) = (cols[c], a.SubPlotInfos[r][c]);
                string where = $"subplot[{r}][{c}]";
                AssertAxis(es.GetProperty("xaxis"), s.XAxis, where + ".xaxis");
                AssertAxis(es.GetProperty("yaxis"), s.YAxis, where + ".yaxis");
                var z = es.GetProperty("z_values").EnumerateArray().ToList();
                Assert.True(z.Count == s.ZValues.Count, $"{where}: expected {z.Count} z values, got {s.ZValues.Count}");
                foreach (var item in z)
                {
                    var key = (item[0].GetInt32(), item[1].GetInt32());
                    Assert.True(s.ZValues.TryGetValue(key, out double v), $"{where}: no z value at {key}");
                    Same.Number(Fixtures.Number(item[2]), v, $"{where}.z{key}");
                }

                Same.Bools(es.GetProperty("constraints"), s.Constraints, where + ".constraints");
            }
        }

        static void AssertAxis(JsonElement e, ContourAxisInfo a, string where)
        {
            Assert.Equal(e.GetProperty("name").GetString(), a.Name);
            Same.Numbers(e.GetProperty("range"), [a.Range.Low, a.Range.High], where + ".range");
            Assert.Equal(e.GetProperty("is_log").GetBoolean(), a.IsLog);
            Assert.Equal(e.GetProperty("is_cat").GetBoolean(), a.IsCat);
            Same.Values(e.GetProperty("indices"), a.Indices, where + ".indices");
            Same.Values(e.GetProperty("values"), a.Values, where + ".values");
        }
    }

    [Theory]
    [MemberData(nameof(SingleObjective))]
    public void ParallelCoordinateMatchesOptuna(string name) =>
        AssertParallel(Fixtures.Case(name, "parallel"), ParallelCoordinate.GetInfo(Fixtures.Study(name), null, null, "Objective Value"));

    [Theory]
    [MemberData(nameof(MultiObjective))]
    public void ParallelCoordinateOfMultiObjectiveMatchesOptuna(string name) =>
        AssertParallel(Fixtures.Case(name, "parallel"), ParallelCoordinate.GetInfo(Fixtures.Study(name), null, null, "Objective Value"));

    [Fact]
    public void ParallelCoordinateOfChosenParametersMatchesOptuna() =>
        AssertParallel(Fixtures.Case("single", "parallel_subset"), ParallelCoordinate.GetInfo(Fixtures.Study("single"), ["y", "lr"], null, "Objective Value"));

    private static void AssertParallel(JsonElement e, ParallelCoordinateInfo a)
    {
        AssertDims(e.GetProperty("dims_objectives"), a.DimsObjectives, "dims_objectives");
        AssertDims(e.GetProperty("dims_params"), a.DimsParams, "dims_params");
        Assert.Equal(e.GetProperty("reverse_scale").GetBoolean(), a.ReverseScale);
        Assert.Equal(e.GetProperty("colorbar_title").GetString(), a.ColorbarTitle);
        Same.Numbers(e.GetProperty("color_values"), a.ColorValues, "color_values");
        Assert.Equal(e.GetProperty("is_rank_color").GetBoolean(), a.IsRankColor);
        if (a.IsRankColor)
        {
            // numpy's argsort is not stable for longer arrays (its order within a Pareto rank depends on the CPU's
            // sorting kernel): compare the ranks along the drawing order and that every trial is drawn once.
            var colors = Fixtures.Numbers(e.GetProperty("color_values"));
            Same.Numbers(JsonSerializer.SerializeToElement(e.GetProperty("draw_order").EnumerateArray().Select(i => colors[i.GetInt32()]).ToArray()), a.DrawOrder.Select(i => a.ColorValues[i]).ToArray(), "ranks in draw_order");
            Assert.Equal(Enumerable.Range(0, a.ColorValues.Length), a.DrawOrder.Order());
        }
        else
        {
            Same.Ints(e.GetProperty("draw_order"), a.DrawOrder, "draw_order");
        }
        if (e.GetProperty("feasibility").ValueKind == JsonValueKind.Null)
        {
            Assert.Null(a.Feasibility);
        }
        else
        {
            Same.Bools(e.GetProperty("feasibility"), a.Feasibility!, "feasibility");
        }

        static void AssertDims(JsonElement e, List<DimensionInfo> a, string where)
        {
            var dims = e.EnumerateArray().ToList();
            Assert.Equal(dims.Count, a.Count);
            for (int i = 0; i < dims.Count; i++)
            {
                var (ed, d) = (dims[i], a[i]);
                string w = $"{where}[{d.Label}]";
                Assert.Equal(ed.GetProperty("label").GetString(), d.Label);
                Same.Numbers(ed.GetProperty("values"), d.Values, w + ".values");
                Same.Numbers(ed.GetProperty("range"), [d.Range.Low, d.Range.High], w + ".range");
                Assert.Equal(ed.GetProperty("is_log").GetBoolean(), d.IsLog);
                Assert.Equal(ed.GetProperty("is_cat").GetBoolean(), d.IsCat);
                Same.Numbers(ed.GetProperty("tickvals"), d.TickVals, w + ".tickvals");
                Same.Strings(ed.GetProperty("ticktext"), d.TickText, w + ".ticktext");
                Assert.Equal(ed.GetProperty("has_missing").GetBoolean(), d.HasMissing);
            }
        }
    }

    [Theory]
    [MemberData(nameof(SingleObjective))]
    public void EdfMatchesOptuna(string name) => AssertEdf(Fixtures.Case(name, "edf"), Edf.GetInfo([Fixtures.Study(name)], null));

    [Fact]
    public void EdfOfSeveralStudiesMatchesOptuna() =>
        AssertEdf(Fixtures.Case("several", "edf"), Edf.GetInfo([Fixtures.Study("single"), Fixtures.Study("single-constrained")], null));

    private static void AssertEdf(JsonElement e, EdfInfo a)
    {
        Same.Numbers(e.GetProperty("x"), a.XValues, "x");
        var lines = e.GetProperty("lines").EnumerateArray().ToList();
        Assert.Equal(lines.Count, a.Lines.Count);
        for (int i = 0; i < lines.Count; i++)
        {
            Assert.Equal(lines[i].GetProperty("study_name").GetString(), a.Lines[i].StudyName);
            Same.Numbers(lines[i].GetProperty("y"), a.Lines[i].YValues, $"lines[{i}].y");
        }
    }

    [Theory]
    [MemberData(nameof(SingleObjective))]
    public void RankMatchesOptuna(string name) => AssertRank(Fixtures.Case(name, "rank"), Rank.GetInfo(Fixtures.Study(name), null, null, "Objective Value"));

    [Fact]
    public void RankOfTwoParametersMatchesOptuna() =>
        AssertRank(Fixtures.Case("single", "rank_pair"), Rank.GetInfo(Fixtures.Study("single"), ["x", "kind"], null, "Objective Value"));

    private static void AssertRank(JsonElement e, RankPlotInfo a)
    {
        Same.Strings(e.GetProperty("params"), a.Params, "params");
        Same.Numbers(e.GetProperty("zs"), a.Zs, "zs");
        AssertColors(e.GetProperty("colors"), a.Colors, "colors");
        Assert.Equal(e.GetProperty("has_custom_target").GetBoolean(), a.HasCustomTarget);
        var rows = e.GetProperty("sub_plot_infos").EnumerateArray().ToList();
        Assert.Equal(rows.Count, a.SubPlotInfos.Count);
        for (int r = 0; r < rows.Count; r++)
        {
            var cols = rows[r].EnumerateArray().ToList();
            for (int c = 0; c < cols.Count; c++)
            {
                var (es, s) = (cols[c], a.SubPlotInfos[r][c]);
                string where = $"subplot[{r}][{c}]";
                foreach (var (ea, aa) in new[] { (es.GetProperty("xaxis"), s.XAxis), (es.GetProperty("yaxis"), s.YAxis) })
                {
                    Assert.Equal(ea.GetProperty("name").GetString(), aa.Name);
                    Same.Numbers(ea.GetProperty("range"), [aa.Range.Low, aa.Range.High], where + ".range");
                    Assert.Equal(ea.GetProperty("is_log").GetBoolean(), aa.IsLog);
                    Assert.Equal(ea.GetProperty("is_cat").GetBoolean(), aa.IsCat);
                }

                Same.Values(es.GetProperty("xs"), s.Xs, where + ".xs");
                Same.Values(es.GetProperty("ys"), s.Ys, where + ".ys");
                Same.Ints(es.GetProperty("trials"), s.Trials.Select(t => t.Number), where + ".trials");
                Same.Numbers(es.GetProperty("zs"), s.Zs, where + ".zs");
                AssertColors(es.GetProperty("colors"), s.Colors, where + ".colors");
            }
        }

        static void AssertColors(JsonElement e, Rendering.Rgb[] a, string where)
        {
            var colors = e.EnumerateArray().ToList();
            Assert.Equal(colors.Count, a.Length);
            for (int i = 0; i < colors.Count; i++)
            {
                Same.Numbers(colors[i], [a[i].R, a[i].G, a[i].B], $"{where}[{i}]");
            }
        }
    }

    [Theory]
    [MemberData(nameof(SingleObjective))]
    public void TimelineMatchesOptuna(string name)
    {
        var study = Fixtures.Study(name);
        AssertTimeline(Fixtures.Case(name, "timeline"), Timeline.GetInfo(study, null, DateTime.UtcNow));
        AssertTimeline(Fixtures.Case(name, "timeline_recent"), Timeline.GetInfo(study, 3, DateTime.UtcNow));
    }

    private static void AssertTimeline(JsonElement e, List<TimelineBarInfo> a)
    {
        var bars = e.EnumerateArray().ToList();
        Assert.Equal(bars.Count, a.Count);
        for (int i = 0; i < bars.Count; i++)
        {
            var (eb, b) = (bars[i], a[i]);
            Assert.Equal(eb.GetProperty("number").GetInt32(), b.Number);
            Assert.Equal(Fixtures.Date(eb.GetProperty("start")), b.Start);
            Assert.Equal(Fixtures.Date(eb.GetProperty("complete")), b.Complete);
            Assert.Equal(eb.GetProperty("state").GetString(), b.State.ToOptunaName());
            Assert.Equal(eb.GetProperty("infeasible").GetBoolean(), b.Infeasible);
            Assert.Equal(eb.GetProperty("hovertext").GetString(), b.HoverText);
        }
    }

    [Theory]
    [MemberData(nameof(MultiObjective))]
    public void ParetoFrontMatchesOptuna(string name)
    {
        var study = Fixtures.Study(name);
        AssertPareto(Fixtures.Case(name, "pareto"), ParetoFront.GetInfo(study, null, true, null));
        var names = Enumerable.Range(0, study.Directions.Count).Select(i => $"t{i}").ToList();
        AssertPareto(Fixtures.Case(name, "pareto_no_dominated"), ParetoFront.GetInfo(study, names, false, null));
    }

    private static void AssertPareto(JsonElement e, ParetoFrontInfo a)
    {
        Assert.Equal(e.GetProperty("n_targets").GetInt32(), a.NTargets);
        Same.Strings(e.GetProperty("target_names"), a.TargetNames, "target_names");
        Assert.Equal(e.GetProperty("has_constraints").GetBoolean(), a.HasConstraints);
        Assert.Equal(e.GetProperty("include_dominated_trials").GetBoolean(), a.IncludeDominatedTrials);
        Same.Ints(e.GetProperty("axis_order"), a.AxisOrder, "axis_order");
        foreach (var (key, list) in new[] { ("best", a.BestTrialsWithValues), ("non_best", a.NonBestTrialsWithValues), ("infeasible", a.InfeasibleTrialsWithValues) })
        {
            var items = e.GetProperty(key).EnumerateArray().ToList();
            Assert.True(items.Count == list.Count, $"{key}: expected {items.Count} trials, got {list.Count}");
            for (int i = 0; i < items.Count; i++)
            {
                Assert.Equal(items[i][0].GetInt32(), list[i].Trial.Number);
                Same.Numbers(items[i][1], list[i].Values, $"{key}[{i}]");
            }
        }
    }

    [Theory]
    [MemberData(nameof(SingleObjective))]
    public void ParamImportancesMatchOptuna(string name) =>
        AssertImportances(Fixtures.Case(name, "importances"), ParamImportances.GetInfos(Fixtures.Study(name), null, null, null, "Objective Value"));

    [Theory]
    [MemberData(nameof(MultiObjective))]
    public void ParamImportancesOfMultiObjectiveMatchOptuna(string name)
    {
        var study = Fixtures.Study(name);
        AssertImportances(Fixtures.Case(name, "importances"), ParamImportances.GetInfos(study, null, null, null, "Objective Value"));
        AssertImportances(Fixtures.Case(name, "importances_target"), ParamImportances.GetInfos(study, null, ["a", "b"], t => t.Values![1], "Second"));
    }

    private static void AssertImportances(JsonElement e, List<ImportancesInfo> a)
    {
        var infos = e.EnumerateArray().ToList();
        Assert.Equal(infos.Count, a.Count);
        for (int i = 0; i < infos.Count; i++)
        {
            Assert.Equal(infos[i].GetProperty("target_name").GetString(), a[i].TargetName);
            Same.Strings(infos[i].GetProperty("param_names"), a[i].ParamNames, $"infos[{i}].param_names");
            Same.Numbers(infos[i].GetProperty("importance_values"), a[i].ImportanceValues, $"infos[{i}].importance_values");
            Same.Strings(infos[i].GetProperty("importance_labels"), a[i].ImportanceLabels, $"infos[{i}].importance_labels");
        }
    }

    [Theory]
    [MemberData(nameof(MultiObjective))]
    public void HypervolumeHistoryMatchesOptuna(string name)
    {
        var e = Fixtures.Case(name, "hypervolume");
        var a = HypervolumeHistory.GetInfo(Fixtures.Study(name), Fixtures.Numbers(e.GetProperty("reference_point")));
        Same.Ints(e.GetProperty("trial_numbers"), a.TrialNumbers, "trial_numbers");
        Same.Numbers(e.GetProperty("values"), a.Values, "values");
    }
}
