using LlmForge.Data;
using Xunit;

namespace LlmForge.Tests.Data;

public class XmlDocTextTests
{
    private const string Doc = """
        <?xml version="1.0" encoding="utf-8"?>
        <doc>
          <assembly><name>System.Example</name></assembly>
          <members>
            <member name="T:System.Example.Widget">
              <summary>Represents a <see cref="T:System.String" /> wrapper for
                 <see cref="T:System.Collections.Generic.List`1" />.</summary>
              <param name="x">Parameter text is not part of the corpus.</param>
              <remarks>
                <para>Call <see cref="M:System.Example.Widget.Resize(System.Int32)" /> with <paramref name="count"/> set to <see langword="null" />; see <c>Widget.Size</c> and <typeparamref name="T"/>.</para>
                <para>The <see cref="M:System.Example.Widget.#ctor" /> constructor, <see cref="F:System.Int32.MaxValue">Int32.MaxValue</see>, <xref data-throw-if-not-resolved="true" uid="System.Diagnostics.Activity"></xref>.</para>
                <code>var w = new Widget(); // code is not prose</code>
                <list type="bullet"><item><term>One</term><description>the first item.</description></item></list>
                Tail &amp; text<br/>after a break.
              </remarks>
              <returns>Return text is not part of the corpus.</returns>
            </member>
            <member name="M:System.Example.Widget.Empty"><summary /></member>
          </members>
        </doc>
        """;

    [Fact]
    public void ExtractParagraphs_FlattensInlineTagsAndSplitsParagraphs()
    {
        var paragraphs = XmlDocText.ExtractParagraphs(new StringReader(Doc));
        Assert.Equal(new[]
        {
            "Represents a String wrapper for List.",
            "Call Resize with count set to null; see Widget.Size and T.",
            "The Widget constructor, Int32.MaxValue, Activity.",
            "One the first item.",
            "Tail & text after a break.",
        }, paragraphs);
    }

    [Theory]
    [InlineData("T:System.String", "String")]
    [InlineData("M:System.String.Join(System.String,System.String[])", "Join")]
    [InlineData("T:System.Collections.Generic.Dictionary`2", "Dictionary")]
    [InlineData("T:System.Collections.Generic.List`1.Enumerator", "Enumerator")]
    [InlineData("M:System.Linq.Enumerable.Select``2(System.Collections.Generic.IEnumerable{``0},System.Func{``0,``1})", "Select")]
    [InlineData("M:System.Text.StringBuilder.#ctor(System.Int32)", "StringBuilder")]
    [InlineData("Overload:System.Object.Equals", "Equals")]
    [InlineData("M:System.IO.Stream.System#IDisposable#Dispose", "Dispose")]
    [InlineData("System.IO.Stream.ReadAsync(System.Byte[],System.Int32,System.Int32)", "ReadAsync")]
    [InlineData("P:System.Span`1.Item(System.Int32)", "Item")]
    public void ShortName_IsWhatAReaderSees(string reference, string expected)
    {
        Assert.Equal(expected, XmlDocText.ShortName(reference));
    }

    [Theory]
    [InlineData("Gets the number of elements contained in the list.", true)]
    [InlineData("Returns true if it is empty", true)]
    [InlineData("Creates an empty case-sensitive HybridDictionary.", true)]
    [InlineData("__m128 _mm_add_ps (__m128 a, __m128 b)", false)]
    [InlineData("A64: ADD Vd.4S, Vn.4S, Vm.4S", false)]
    [InlineData("svint8_t svmul[_s8]_z(svbool_t pg, svint8_t op1, svint8_t op2)", false)]
    [InlineData("VFMADDPS zmm1 {k1}{z}, zmm2, zmm3/m512/m32bcst", false)]
    public void LooksLikeProse_SeparatesSentencesFromSignatures(string paragraph, bool expected)
    {
        Assert.Equal(expected, XmlDocText.LooksLikeProse(paragraph));
    }
}
