namespace Sharptune.Generators.Tests;

/// <summary>The generator knows the attributes by metadata name; the names must follow the Sdk's types.</summary>
public class TypeNameTests
{
    [Fact]
    public void MetadataNamesMatchTheSdkTypes()
    {
        Assert.Equal(TypeNames.FloatParam, typeof(FloatParamAttribute).FullName);
        Assert.Equal(TypeNames.IntParam, typeof(IntParamAttribute).FullName);
        Assert.Equal(TypeNames.Categorical, typeof(CategoricalAttribute).FullName);
        Assert.Equal(TypeNames.ActiveWhen, typeof(ActiveWhenAttribute).FullName);
        Assert.Equal(TypeNames.NestedSpace, typeof(NestedSpaceAttribute).FullName);
        Assert.Equal(TypeNames.SearchSpace, typeof(ISearchSpace<>).FullName);
        Assert.Equal(TypeNames.Trial, typeof(ITrial).FullName);
        Assert.Equal(TypeNames.Namespace, typeof(FloatParamAttribute).Namespace);
        Assert.Equal(TypeNames.FloatParamShort, nameof(FloatParamAttribute));
        Assert.Equal(TypeNames.IntParamShort, nameof(IntParamAttribute));
        Assert.Equal(TypeNames.CategoricalShort, nameof(CategoricalAttribute));
        Assert.Equal(TypeNames.ActiveWhenShort, nameof(ActiveWhenAttribute));
        Assert.Equal(TypeNames.NestedSpaceShort, nameof(NestedSpaceAttribute));
    }
}
