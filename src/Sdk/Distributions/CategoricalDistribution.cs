using System.Collections.ObjectModel;
using System.Text;
using Sharptune.Internal;

namespace Sharptune;

/// <summary>
/// A finite set of choices (Optuna's <c>CategoricalDistribution</c>). The internal representation is the index
/// of the choice. Choices should be <see langword="null"/>, <see cref="bool"/>, integers, floating-point numbers,
/// strings or enums (stored by name) so that every storage can persist them.
/// </summary>
public sealed class CategoricalDistribution : Distribution
{
    private readonly object?[] _choices;

    /// <summary>Initializes a new instance of the <see cref="CategoricalDistribution"/> class.</summary>
    /// <param name="choices">The candidate values, at least one.</param>
    /// <exception cref="ArgumentException">No choice is given.</exception>
    public CategoricalDistribution(IEnumerable<object?> choices)
    {
        ArgumentNullException.ThrowIfNull(choices);
        _choices = [.. choices];
        if (_choices.Length == 0)
        {
            throw new ArgumentException("The `choices` must contain one or more elements.", nameof(choices));
        }

        Choices = new ReadOnlyCollection<object?>(_choices);
    }

    /// <summary>Gets the choices, in order.</summary>
    public IReadOnlyList<object?> Choices { get; }

    /// <inheritdoc/>
    public override string ClassName => "CategoricalDistribution";

    /// <inheritdoc/>
    public override bool IsSingle => _choices.Length == 1;

    internal override double SingleInternalValue => 0;

    /// <inheritdoc/>
    public override bool Contains(double internalValue)
    {
        int index = (int)internalValue;
        return 0 <= index && index < _choices.Length;
    }

    /// <inheritdoc/>
    public override double ToInternalRepr(object? externalValue)
    {
        for (int i = 0; i < _choices.Length; i++)
        {
            if (ChoiceEquals(_choices[i], externalValue))
            {
                return i;
            }
        }

        throw new ArgumentException($"{PyFormat.Repr(externalValue)} not in {TupleRepr()}.");
    }

    /// <summary>Returns the index of a choice, or -1.</summary>
    /// <param name="externalValue">The value to look for.</param>
    /// <returns>The index, or -1 when it is not a choice.</returns>
    public int IndexOf(object? externalValue)
    {
        for (int i = 0; i < _choices.Length; i++)
        {
            if (ChoiceEquals(_choices[i], externalValue))
            {
                return i;
            }
        }

        return -1;
    }

    /// <inheritdoc/>
    public override object? ToExternalRepr(double internalValue) => _choices[(int)internalValue];

    private protected override void WriteAttributes(StringBuilder sb)
    {
        sb.Append("\"choices\": ");
        PyJson.Write(sb, _choices, compact: false);
    }

    /// <summary>
    /// Compares two choices as Optuna does: equal values, NaN equal to NaN, numbers compared by value across
    /// integer and floating-point types, an enum equal to its name.
    /// </summary>
    /// <param name="a">The first choice.</param>
    /// <param name="b">The second choice.</param>
    /// <returns>Whether they are the same choice.</returns>
    public static bool ChoiceEquals(object? a, object? b)
    {
        if (a is null || b is null)
        {
            return a is null && b is null;
        }

        if (a is bool ba)
        {
            return b is bool bb && ba == bb;
        }

        if (b is bool)
        {
            return false;
        }

        if (IsNumber(a) && IsNumber(b))
        {
            double da = PyJson.ToDouble(a);
            double db = PyJson.ToDouble(b);
            return da.Equals(db) || (double.IsNaN(da) && double.IsNaN(db));
        }

        if (a is Enum || b is Enum)
        {
            return string.Equals(a.ToString(), b.ToString(), StringComparison.Ordinal);
        }

        if (a is string sa)
        {
            return b is string sb && string.Equals(sa, sb, StringComparison.Ordinal);
        }

        return a.Equals(b);
    }

    private static bool IsNumber(object o) => o is double or float or decimal || PyFormat.IsInteger(o);

    /// <inheritdoc/>
    public override bool Equals(Distribution? other)
    {
        if (other is not CategoricalDistribution c || c._choices.Length != _choices.Length)
        {
            return false;
        }

        for (int i = 0; i < _choices.Length; i++)
        {
            if (!ChoiceEquals(_choices[i], c._choices[i]))
            {
                return false;
            }
        }

        return true;
    }

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(3);
        hash.Add(_choices.Length);
        foreach (object? choice in _choices)
        {
            hash.Add(choice switch
            {
                null => 0,
                bool b => b ? 11 : 13,
                string s => s.GetHashCode(StringComparison.Ordinal),
                Enum e => e.ToString().GetHashCode(StringComparison.Ordinal),
                _ when IsNumber(choice) => PyJson.ToDouble(choice) is var d && double.IsNaN(d) ? 17 : d.GetHashCode(),
                _ => choice.GetHashCode(),
            });
        }

        return hash.ToHashCode();
    }

    /// <summary>Returns Optuna's repr, e.g. <c>CategoricalDistribution(choices=('a', 'b'))</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => $"CategoricalDistribution(choices={TupleRepr()})";

    private string TupleRepr()
    {
        var sb = new StringBuilder("(");
        for (int i = 0; i < _choices.Length; i++)
        {
            if (i > 0)
            {
                sb.Append(", ");
            }

            PyFormat.AppendRepr(sb, _choices[i]);
        }

        if (_choices.Length == 1)
        {
            sb.Append(',');
        }

        return sb.Append(')').ToString();
    }
}
