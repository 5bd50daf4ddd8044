using System;
using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace Sharptune.Generators;

internal static partial class SpaceReader
{
    private sealed class Param
    {
        public Param(IPropertySymbol property, AttributeData attribute, string kindAttribute)
        {
            Property = property;
            Attribute = attribute;
            KindAttribute = kindAttribute;
        }

        public IPropertySymbol Property { get; }

        public AttributeData Attribute { get; }

        public string KindAttribute { get; }

        public AttributeData? ActiveWhen { get; set; }

        public ParamKind Kind { get; set; }

        public string Name { get; set; } = string.Empty;

        public bool Valid { get; set; } = true;

        public double FLow { get; set; }

        public double FHigh { get; set; }

        public double FStep { get; set; }

        public bool HasStep { get; set; }

        public bool Log { get; set; }

        public long ILow { get; set; }

        public long IHigh { get; set; }

        public long IStep { get; set; } = 1;

        public ITypeSymbol? ElementType { get; set; }

        public List<string> Choices { get; } = new();

        public string Prefix { get; set; } = string.Empty;

        public List<string> NestedNames { get; } = new();

        public int Controller { get; set; } = -1;

        public List<string> ConditionValues { get; } = new();

        public bool IsConditional => ActiveWhen is not null;
    }
}
