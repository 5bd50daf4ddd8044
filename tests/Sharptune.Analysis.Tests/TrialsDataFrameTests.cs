using System.Globalization;
using Microsoft.Data.Analysis;
using Sharptune.Internal;
using Sharptune.Storages;

namespace Sharptune.Analysis.Tests;

public sealed class TrialsDataFrameTests : IDisposable
{
    private static readonly string DataDir = Path.Combine(AppContext.BaseDirectory, "Data");
    private readonly string _journal = Path.Combine(Path.GetTempPath(), "sharptune-df-" + Guid.NewGuid().ToString("N") + ".log");
    private readonly JournalStorage _storage;

    public TrialsDataFrameTests()
    {
        File.Copy(Path.Combine(DataDir, "dataframe_studies.log"), _journal);
        _storage = new JournalStorage(_journal);
    }

    public void Dispose()
    {
        _storage.Dispose();
        File.Delete(_journal);
    }

    public static TheoryData<string> Cases => ["single_default", "single_multi_index", "single_attrs", "multi_default", "multi_values_multi_index", "unnamed_default"];

    /// <summary>Same columns, order and values as Optuna 5's trials_dataframe on the same journal (make_dataframe_fixture.py).</summary>
    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesOptunasTrialsDataFrame(string name)
    {
        var expected = (IDictionary<string, object?>)((IDictionary<string, object?>)Fixture()["cases"]!)[name]!;
        var kwargs = (IDictionary<string, object?>)expected["kwargs"]!;
        bool multiIndex = kwargs.TryGetValue("multi_index", out object? mi) && (bool)mi!;
        string[]? attrs = kwargs.TryGetValue("attrs", out object? a) ? ((List<object?>)a!).Cast<string>().ToArray() : null;
        var study = Study.Load(name.Split('_')[0], _storage);

        var df = study.TrialsDataFrame(attrs, multiIndex);

        var columns = ((List<object?>)expected["columns"]!).Select(c => c is List<object?> pair
            ? ((string)pair[1]!).Length == 0 ? (string)pair[0]! : $"{pair[0]}.{pair[1]}"
            : (string)c!).ToList();
        Assert.Equal(columns, df.Columns.Select(c => c.Name));
        var rows = (List<object?>)expected["rows"]!;
        Assert.Equal(rows.Count, df.Rows.Count);
        for (int r = 0; r < rows.Count; r++)
        {
            var row = (List<object?>)rows[r]!;
            for (int c = 0; c < columns.Count; c++)
            {
                AssertCell(row[c], df.Columns[c][r], $"{name} row {r} column {columns[c]}");
            }
        }
    }

    [Fact]
    public void ColumnTypes_FollowTheValues()
    {
        var df = Study.Load("single", _storage).TrialsDataFrame();

        Assert.IsType<Int32DataFrameColumn>(df["number"]);
        Assert.IsType<DoubleDataFrameColumn>(df["value"]);
        Assert.IsType<DateTimeDataFrameColumn>(df["datetime_start"]);
        Assert.IsType<PrimitiveDataFrameColumn<TimeSpan>>(df["duration"]);
        Assert.IsType<StringDataFrameColumn>(df["params_kind"]);
        Assert.IsType<DoubleDataFrameColumn>(df["params_x"]);
        Assert.IsType<Int64DataFrameColumn>(df["params_n"]); // integers read from a journal are 64-bit
        Assert.IsType<BooleanDataFrameColumn>(df["user_attrs_flag"]);
        Assert.IsType<StringDataFrameColumn>(df["system_attrs_fixed_params"]);
        Assert.IsType<StringDataFrameColumn>(df["state"]);
    }

    [Fact]
    public void Columns_AreTheCsvExportsColumns()
    {
        var study = Study.Load("single", _storage);
        var csv = new StringWriter();
        study.ExportCsv(csv);

        Assert.Equal(csv.ToString().Split('\n')[0], string.Join(',', study.TrialsDataFrame().Columns.Select(c => c.Name)));
    }

    [Fact]
    public void TrialsColumnGroup_SelectsOneAttribute_LikePandas()
    {
        var df = Study.Load("multi", _storage).TrialsDataFrame(multiIndex: true);

        var values = df.TrialsColumnGroup("values");
        Assert.Equal(["loss", "accuracy"], values.Columns.Select(c => c.Name));
        Assert.Equal(df["values.loss"][1], values["loss"][1]);
        Assert.Equal(["number"], df.TrialsColumnGroup("number").Columns.Select(c => c.Name));
        var e = Assert.Throws<KeyNotFoundException>(() => df.TrialsColumnGroup("user_attrs"));
        Assert.Equal("No column of the attribute 'user_attrs' (is the DataFrame made with multiIndex: true?).", e.Message);
    }

    [Fact]
    public void EmptyStudy_GivesAnEmptyDataFrame_AndUnknownAttrsThrow()
    {
        var study = Study.Create();
        var df = study.TrialsDataFrame();
        Assert.Empty(df.Columns);
        Assert.Equal(0, df.Rows.Count);

        study.Optimize(t => t.SuggestFloat("x", 0, 1), nTrials: 1);
        var e = Assert.Throws<ArgumentException>(() => study.TrialsDataFrame(["number", "foo"]));
        Assert.StartsWith("'FrozenTrial' object has no attribute 'foo'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MixedParameterKinds_FallBackToText()
    {
        var study = Study.Create();
        study.EnqueueTrial(new Dictionary<string, object?> { ["c"] = 1L });
        study.EnqueueTrial(new Dictionary<string, object?> { ["c"] = "two" });
        study.EnqueueTrial(new Dictionary<string, object?> { ["c"] = 2.5 });
        study.Optimize(t =>
        {
            t.SuggestCategorical<object?>("c", [1L, "two", 2.5]);
            t.SetUserAttr("n", t.Number == 0 ? 1 : 2.5);
            return 0;
        }, nTrials: 3);

        var df = study.TrialsDataFrame();
        Assert.Equal(["1", "two", "2.5"], ((StringDataFrameColumn)df["params_c"]).ToArray());
        Assert.Equal([1.0, 2.5, 2.5], ((DoubleDataFrameColumn)df["user_attrs_n"]).Select(v => v!.Value));
    }

    private static void AssertCell(object? expected, object? actual, string where)
    {
        switch (expected)
        {
            case "NaN":
                Assert.True(actual is null || actual is double.NaN, $"{where}: expected missing, got {actual}");
                break;
            case null:
                Assert.True(actual is null, $"{where}: expected null, got {actual}");
                break;
            case string s when actual is DateTime dt:
                Assert.Equal(DateTime.Parse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal), dt.ToUniversalTime());
                break;
            case double seconds when actual is TimeSpan ts:
                Assert.Equal(seconds, ts.TotalSeconds, 6);
                break;
            case double d:
                Assert.Equal(d, Convert.ToDouble(actual, CultureInfo.InvariantCulture));
                break;
            case long l:
                Assert.Equal(l, Convert.ToInt64(actual, CultureInfo.InvariantCulture));
                break;
            case IDictionary<string, object?> dict:
                Assert.Equal("{" + string.Join(", ", dict.Select(p => $"'{p.Key}': {PyJson.Serialize(p.Value)}")) + "}", actual);
                break;
            default:
                Assert.Equal(expected, actual);
                break;
        }
    }

    private static IDictionary<string, object?> Fixture() =>
        (IDictionary<string, object?>)PyJson.Parse(File.ReadAllText(Path.Combine(DataDir, "dataframe_expected.json")))!;
}
