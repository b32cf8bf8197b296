using LlmForge.Tokenization;
using Xunit;

namespace LlmForge.Tests.Tokenization;

public class BasicTokenizerTests
{
    [Theory]
    [InlineData("Héllo, WORLD!", "hello|,|world|!")]
    [InlineData("  multiple\t\nspaces ", "multiple|spaces")]
    [InlineData("naïve café résumé", "naive|cafe|resume")]
    [InlineData("a$b+c", "a|$|b|+|c")]                 // ASCII symbols split although Unicode calls them Sm/Sc
    [InlineData("价格是100元", "价|格|是|100|元")]       // CJK ideographs alone, digits kept together
    [InlineData("ΣΟΦΙΑΣ", "σοφιας")]                 // Python's final sigma, accent-free Greek
    [InlineData("x\u200By", "xy")]                    // zero-width space (Cf) is deleted, not a separator
    [InlineData("", "")]
    public void Tokenize_Lowercasing(string text, string expected)
    {
        var basic = new BasicTokenizer(lowerCase: true);
        Assert.Equal(expected, string.Join("|", basic.Tokenize(text)));
    }

    [Fact]
    public void Tokenize_Cased_KeepsCaseAndAccents()
    {
        var basic = new BasicTokenizer(lowerCase: false);
        Assert.Equal(["Héllo", ",", "Wörld"], basic.Tokenize("Héllo, Wörld"));
        Assert.Equal(["Hello"], new BasicTokenizer(lowerCase: false, stripAccents: true).Tokenize("Héllo"));
    }

    [Fact]
    public void Tokenize_NeverSplit_KeepsSpecialTokensWhole()
    {
        var basic = new BasicTokenizer(neverSplit: ["[MASK]"]);
        Assert.Equal(["the", "[MASK]", "is", "[", "mask", "]"], basic.Tokenize("The [MASK] is [mask]"));
    }

    [Fact]
    public void PythonLower_DottedCapitalI_BecomesIWithCombiningDot()
    {
        Assert.Equal("i\u0307stanbul", BasicTokenizer.PythonLower("İstanbul"));
        Assert.Equal("σσ.ς", BasicTokenizer.PythonLower("ΣΣ.Σ")[..2] + "." + BasicTokenizer.PythonLower("ΣΣ.Σ")[^1]);
    }
}
