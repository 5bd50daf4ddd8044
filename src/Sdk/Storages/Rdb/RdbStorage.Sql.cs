using System.Collections.Concurrent;
using System.Text;

namespace Sharptune.Storages;

public sealed partial class RdbStorage
{
    /// <summary>The SQL texts of one dialect, built once. Enum columns are read through <c>CAST(… AS VARCHAR)</c>, which every engine answers with text.</summary>
    private sealed class Sql
    {
        private const string Updatable = "state IN ('RUNNING', 'WAITING')";
        private readonly RdbDialect _d;
        private const string NewTrials = "trial_id > @last AND study_id = @s";
        private readonly ConcurrentDictionary<int, string> _refreshTrials = new();
        private readonly ConcurrentDictionary<int, string> _refreshChildren = new();
        private readonly ConcurrentDictionary<int, string> _children = new();
        private readonly ConcurrentDictionary<int, string> _waitingScan = new();
        private readonly ConcurrentDictionary<int, string> _insertUnlessWaiting = new();
        private readonly string?[] _insertParams = new string?[MaxParamsPerInsert + 1];
        private readonly ConcurrentDictionary<string, string> _insertWithin = new(StringComparer.Ordinal);
        private readonly ConcurrentDictionary<string, string> _count = new(StringComparer.Ordinal);

        public Sql(RdbDialect dialect)
        {
            _d = dialect;
            InsertStudy = "INSERT INTO studies (study_name) VALUES (@name) RETURNING study_id";
            InsertDirection = $"INSERT INTO study_directions (direction, study_id, objective) VALUES ({E("@direction", "studydirection")}, @s, @objective)";
            StudyExists = "SELECT study_id FROM studies WHERE study_id = @s";
            StudyExistsForUpdate = "SELECT study_id FROM studies WHERE study_id = @s" + dialect.ForUpdate;
            StudyIdFromName = "SELECT study_id FROM studies WHERE study_name = @name";
            StudyNameFromId = "SELECT study_name FROM studies WHERE study_id = @s";
            StudyDirections = "SELECT CAST(direction AS VARCHAR(16)) FROM study_directions WHERE study_id = @s ORDER BY objective";
            StudyUserAttrs = "SELECT \"key\", value_json FROM study_user_attributes WHERE study_id = @s ORDER BY study_user_attribute_id";
            StudySystemAttrs = "SELECT \"key\", value_json FROM study_system_attributes WHERE study_id = @s ORDER BY study_system_attribute_id";
            UpsertStudyUserAttr = "INSERT INTO study_user_attributes (study_id, \"key\", value_json) VALUES (@s, @key, @value) ON CONFLICT (study_id, \"key\") DO UPDATE SET value_json = excluded.value_json";
            UpsertStudySystemAttr = "INSERT INTO study_system_attributes (study_id, \"key\", value_json) VALUES (@s, @key, @value) ON CONFLICT (study_id, \"key\") DO UPDATE SET value_json = excluded.value_json";
            AllStudies =
                "SELECT study_id, study_name FROM studies ORDER BY study_id;" +
                "SELECT study_id, CAST(direction AS VARCHAR(16)) FROM study_directions ORDER BY study_id, objective;" +
                "SELECT study_id, \"key\", value_json FROM study_user_attributes ORDER BY study_user_attribute_id;" +
                "SELECT study_id, \"key\", value_json FROM study_system_attributes ORDER BY study_system_attribute_id";
            const string OfStudy = "SELECT trial_id FROM trials WHERE study_id = @s";
            DeleteStudy =
            [
                $"DELETE FROM trial_params WHERE trial_id IN ({OfStudy})",
                $"DELETE FROM trial_values WHERE trial_id IN ({OfStudy})",
                $"DELETE FROM trial_intermediate_values WHERE trial_id IN ({OfStudy})",
                $"DELETE FROM trial_user_attributes WHERE trial_id IN ({OfStudy})",
                $"DELETE FROM trial_system_attributes WHERE trial_id IN ({OfStudy})",
                $"DELETE FROM trial_heartbeats WHERE trial_id IN ({OfStudy})",
                "DELETE FROM trials WHERE study_id = @s",
                "DELETE FROM study_directions WHERE study_id = @s",
                "DELETE FROM study_user_attributes WHERE study_id = @s",
                "DELETE FROM study_system_attributes WHERE study_id = @s",
                "DELETE FROM studies WHERE study_id = @s",
            ];

            InsertTrial =
                "INSERT INTO trials (number, study_id, state, datetime_start, datetime_complete) " +
                $"VALUES (COALESCE((SELECT number FROM trials WHERE study_id = @s ORDER BY trial_id DESC LIMIT 1), -1) + 1, @s, {E("@state", "trialstate")}, @start, @complete) RETURNING trial_id, number";
            InsertTrialIfStudy =
                "INSERT INTO trials (number, study_id, state, datetime_start, datetime_complete) " +
                $"SELECT COALESCE((SELECT number FROM trials WHERE study_id = @s ORDER BY trial_id DESC LIMIT 1), -1) + 1, @s, {E("@state", "trialstate")}, @start, @complete " +
                "WHERE EXISTS (SELECT 1 FROM studies WHERE study_id = @s) RETURNING trial_id, number";
            TrialKey = "SELECT study_id, number, CAST(state AS VARCHAR(16)) FROM trials WHERE trial_id = @t";
            PreviousDistribution =
                "SELECT p.distribution_json FROM trial_params p JOIN trials t ON p.trial_id = t.trial_id " +
                "WHERE t.study_id = @s AND p.param_name = @name ORDER BY p.param_id LIMIT 1";
            InsertParam =
                "INSERT INTO trial_params (trial_id, param_name, param_value, distribution_json) SELECT @t, @name, @value, @dist " +
                $"WHERE EXISTS (SELECT 1 FROM trials WHERE trial_id = @t AND {Updatable}) ON CONFLICT (trial_id, param_name) DO NOTHING";
            InsertParamUnchecked =
                "INSERT INTO trial_params (trial_id, param_name, param_value, distribution_json) VALUES (@t, @name, @value, @dist)";
            UpsertValue =
                $"INSERT INTO trial_values (trial_id, objective, value, value_type) VALUES (@t, @objective, @value, {E("@type", "trialvaluetype")}) " +
                "ON CONFLICT (trial_id, objective) DO UPDATE SET value = excluded.value, value_type = excluded.value_type";
            UpsertIntermediate =
                $"INSERT INTO trial_intermediate_values (trial_id, step, intermediate_value, intermediate_value_type) SELECT @t, @step, @value, {E("@type", "trialintermediatevaluetype")} " +
                $"WHERE EXISTS (SELECT 1 FROM trials WHERE trial_id = @t AND {Updatable}) " +
                "ON CONFLICT (trial_id, step) DO UPDATE SET intermediate_value = excluded.intermediate_value, intermediate_value_type = excluded.intermediate_value_type";
            InsertIntermediateUnchecked =
                $"INSERT INTO trial_intermediate_values (trial_id, step, intermediate_value, intermediate_value_type) VALUES (@t, @step, @value, {E("@type", "trialintermediatevaluetype")})";
            UpsertTrialUserAttr =
                "INSERT INTO trial_user_attributes (trial_id, \"key\", value_json) SELECT @t, @key, @value " +
                $"WHERE EXISTS (SELECT 1 FROM trials WHERE trial_id = @t AND {Updatable}) " +
                "ON CONFLICT (trial_id, \"key\") DO UPDATE SET value_json = excluded.value_json";
            UpsertTrialSystemAttr =
                "INSERT INTO trial_system_attributes (trial_id, \"key\", value_json) SELECT @t, @key, @value " +
                $"WHERE EXISTS (SELECT 1 FROM trials WHERE trial_id = @t AND {Updatable}) " +
                "ON CONFLICT (trial_id, \"key\") DO UPDATE SET value_json = excluded.value_json";
            InsertTrialUserAttrUnchecked = "INSERT INTO trial_user_attributes (trial_id, \"key\", value_json) VALUES (@t, @key, @value)";
            InsertTrialSystemAttrUnchecked = "INSERT INTO trial_system_attributes (trial_id, \"key\", value_json) VALUES (@t, @key, @value)";
            ClaimWaiting = "UPDATE trials SET state = 'RUNNING', datetime_start = @start WHERE trial_id = @t AND state = 'WAITING'";
            SetState = $"UPDATE trials SET state = {E("@state", "trialstate")} WHERE trial_id = @t AND {Updatable}";
            SetStateFinished = $"UPDATE trials SET state = {E("@state", "trialstate")}, datetime_complete = @complete WHERE trial_id = @t AND {Updatable}";
            RecordHeartbeat =
                $"INSERT INTO trial_heartbeats (trial_id, heartbeat) VALUES (@t, {dialect.NowSql}) ON CONFLICT (trial_id) DO UPDATE SET heartbeat = excluded.heartbeat";
            StaleTrials =
                "SELECT t.trial_id FROM trials t JOIN trial_heartbeats h ON h.trial_id = t.trial_id " +
                $"WHERE t.study_id = @s AND t.state = 'RUNNING' AND h.heartbeat < {dialect.NowMinusSecondsSql("@grace")} ORDER BY t.trial_id";
            OneTrial = TrialReadStatements("trial_id = @t", "trial_id = @t");
        }

        public string InsertStudy { get; }

        public string InsertDirection { get; }

        public string StudyExists { get; }

        public string StudyExistsForUpdate { get; }

        public string StudyIdFromName { get; }

        public string StudyNameFromId { get; }

        public string StudyDirections { get; }

        public string StudyUserAttrs { get; }

        public string StudySystemAttrs { get; }

        public string UpsertStudyUserAttr { get; }

        public string UpsertStudySystemAttr { get; }

        public string AllStudies { get; }

        public string[] DeleteStudy { get; }

        public string InsertTrial { get; }

        public string InsertTrialIfStudy { get; }

        public string TrialKey { get; }

        public string PreviousDistribution { get; }

        public string InsertParam { get; }

        public string InsertParamUnchecked { get; }

        public string UpsertValue { get; }

        public string UpsertIntermediate { get; }

        public string InsertIntermediateUnchecked { get; }

        public string UpsertTrialUserAttr { get; }

        public string UpsertTrialSystemAttr { get; }

        public string InsertTrialUserAttrUnchecked { get; }

        public string InsertTrialSystemAttrUnchecked { get; }

        public string ClaimWaiting { get; }

        public string SetState { get; }

        public string SetStateFinished { get; }

        public string RecordHeartbeat { get; }

        public string StaleTrials { get; }

        public string OneTrial { get; }

        /// <summary>
        /// The trials statement of an incremental read: trials with an id above <c>@last</c> (a range on the
        /// primary key, so the cost does not grow with the study) and those in the list <c>@u0…</c> (padded to a
        /// power of two so that few distinct texts exist).
        /// </summary>
        public string RefreshTrials(int unfinishedSlots) => _refreshTrials.GetOrAdd(unfinishedSlots, n =>
        {
            string statements = TrialReadStatements(NewTrials, $"trial_id IN (SELECT trial_id FROM trials WHERE {NewTrials})", List("@u", n));
            return statements[..statements.IndexOf(';', StringComparison.Ordinal)];
        });

        /// <summary>The five child statements of an incremental read (by the same conditions as <see cref="RefreshTrials"/>).</summary>
        public string RefreshChildren(int unfinishedSlots) => _refreshChildren.GetOrAdd(unfinishedSlots, n =>
        {
            string statements = TrialReadStatements(NewTrials, $"trial_id IN (SELECT trial_id FROM trials WHERE {NewTrials})", List("@u", n));
            return statements[(statements.IndexOf(';', StringComparison.Ordinal) + 1)..];
        });

        /// <summary>The five child statements for the trials in the list <c>@c0…</c> (padded to a power of two).</summary>
        public string ChildrenOf(int slots) => _children.GetOrAdd(slots, n =>
        {
            string list = List("@c", n)!;
            string statements = TrialReadStatements(list, list);
            return statements[(statements.IndexOf(';', StringComparison.Ordinal) + 1)..];
        });

        /// <summary>The most parameter rows one <see cref="InsertParams"/> statement carries.</summary>
        public const int MaxParamsPerInsert = 32;

        /// <summary>
        /// One statement for <paramref name="rows"/> parameters of the trial <c>@t</c> (<c>@n0, @v0, @d0, …</c>), without
        /// the state check: for the transaction that finishes the trial, whose guarded update checks it.
        /// </summary>
        public string InsertParams(int rows) => _insertParams[rows] ??= BuildInsertParams(rows);

        private static string BuildInsertParams(int rows)
        {
            var sb = new System.Text.StringBuilder("INSERT INTO trial_params (trial_id, param_name, param_value, distribution_json) VALUES ");
            for (int i = 0; i < rows; i++)
            {
                string k = i.ToString(System.Globalization.CultureInfo.InvariantCulture);
                sb.Append(i == 0 ? string.Empty : ", ").Append("(@t, @n").Append(k).Append(", @v").Append(k).Append(", @d").Append(k).Append(')');
            }

            return sb.Append(" ON CONFLICT (trial_id, param_name) DO NOTHING").ToString();
        }

        /// <summary>
        /// The scan for WAITING trials: the state of the trials above the scan's watermark <c>@wm</c> and of those in the
        /// list <c>@w0…</c> (the trials it last saw unfinished).
        /// </summary>
        public string WaitingScan(int slots) => _waitingScan.GetOrAdd(slots, n =>
        {
            const string Columns = "trial_id, CAST(state AS VARCHAR(16))";
            string sql = $"SELECT {Columns} FROM trials WHERE trial_id > @wm AND study_id = @s";
            if (List("@w", n) is { } listed)
            {
                sql += $" UNION ALL SELECT {Columns} FROM trials WHERE {listed}";
            }

            return sql + " ORDER BY 1";
        });

        /// <summary>
        /// The guarded trial creation of <see cref="ClaimOrCreateTrial"/>: it inserts only when no trial above the
        /// waiting-scan watermark <c>@wm</c> is WAITING (or, with <paramref name="runningBlocks"/>, unfinished) and none of
        /// the watched trials <c>@w0…</c> is WAITING, that is when a scan could not find a trial to claim.
        /// </summary>
        public string InsertTrialUnlessWaiting(int slots, bool runningBlocks) => _insertUnlessWaiting.GetOrAdd(runningBlocks ? slots : -1 - slots, _ =>
        {
            string blocking = runningBlocks ? "state IN ('WAITING', 'RUNNING')" : "state = 'WAITING'";
            string condition = $"NOT EXISTS (SELECT 1 FROM trials WHERE trial_id > @wm AND study_id = @s AND {blocking})";
            if (List("@w", slots) is { } listed)
            {
                condition += $" AND NOT EXISTS (SELECT 1 FROM trials WHERE {listed} AND state = 'WAITING')";
            }

            return InsertTrialIfStudy.Replace("RETURNING", $"AND {condition} RETURNING", StringComparison.Ordinal);
        });

        /// <summary>The single-statement trial creation under a cap (engines that serialize writers).</summary>
        public string InsertTrialWithinLimit(string stateList) => _insertWithin.GetOrAdd(stateList, l =>
            InsertTrialIfStudy.Replace(
                "RETURNING",
                $"AND (SELECT COUNT(*) FROM trials WHERE study_id = @s AND state IN ({l})) < @limit RETURNING",
                StringComparison.Ordinal));

        /// <summary>The count query for a set of states (state names in a stable order, or empty for all).</summary>
        public string Count(string stateList) => _count.GetOrAdd(stateList, static s =>
            s.Length == 0
                ? "SELECT COUNT(*) FROM trials WHERE study_id = @s"
                : $"SELECT COUNT(*) FROM trials WHERE study_id = @s AND state IN ({s})");

        /// <summary>
        /// The six statements of a trial read (trials, params, values, intermediate values, user and system
        /// attributes), each as the union of the rows selected by <paramref name="trialCondition"/> (on trials) or
        /// <paramref name="childCondition"/> (on the other tables) and, when given, by <paramref name="listed"/>.
        /// The last column of each statement orders the rows.
        /// </summary>
        private static string TrialReadStatements(string trialCondition, string childCondition, string? listed = null)
        {
            var sb = new StringBuilder();
            void Statement(string columns, string table, string order, bool isTrials)
            {
                sb.Append("SELECT ").Append(columns).Append(" FROM ").Append(table).Append(" WHERE ").Append(isTrials ? trialCondition : childCondition);
                if (listed is not null)
                {
                    sb.Append(" UNION ALL SELECT ").Append(columns).Append(" FROM ").Append(table).Append(" WHERE ").Append(listed);
                }

                sb.Append(" ORDER BY ").Append(order).Append(';');
            }

            Statement("trial_id, number, CAST(state AS VARCHAR(16)), datetime_start, datetime_complete, study_id", "trials", "1", isTrials: true);
            Statement("trial_id, param_name, param_value, distribution_json, param_id", "trial_params", "5", isTrials: false);
            Statement("trial_id, objective, value, CAST(value_type AS VARCHAR(16))", "trial_values", "1, 2", isTrials: false);
            Statement("trial_id, step, intermediate_value, CAST(intermediate_value_type AS VARCHAR(16))", "trial_intermediate_values", "1, 2", isTrials: false);
            Statement("trial_id, \"key\", value_json, trial_user_attribute_id", "trial_user_attributes", "4", isTrials: false);
            Statement("trial_id, \"key\", value_json, trial_system_attribute_id", "trial_system_attributes", "4", isTrials: false);
            return sb.ToString(0, sb.Length - 1);
        }

        private static string? List(string prefix, int n)
        {
            if (n == 0)
            {
                return null;
            }

            var list = new StringBuilder("trial_id IN (");
            for (int i = 0; i < n; i++)
            {
                list.Append(i == 0 ? prefix : ", " + prefix).Append(i);
            }

            return list.Append(')').ToString();
        }

        private string E(string parameter, string type) => _d.EnumParameter(parameter, type);
    }
}
