using LlmForge.Diagnostics;
using Xunit;

namespace LlmForge.Tests.Diagnostics;

public class PrintableTests
{
    [Theory]
    [InlineData("Ġthe", "'Ġthe'")]
    [InlineData("a\u001B[31mred", "'a\\x1B[31mred'")]                 // a terminal escape sequence
    [InlineData("line\rover\nnext\t", "'line\\x0Dover\\x0Anext\\x09'")]
    [InlineData("del\u007F c1\u009B", "'del\\x7F c1\\x9B'")]         // DEL and the C1 CSI
    [InlineData("bad\uFFFDbyte", "'bad\\uFFFDbyte'")]                 // the mark of undecodable bytes
    [InlineData("rtl\u202Eevil\u2028sep", "'rtl\\u202Eevil\\u2028sep'")] // bidi override, line separator
    [InlineData("pair\uD83D\uDE00ok", "'pair\uD83D\uDE00ok'")]       // a valid surrogate pair (an emoji) is printable
    [InlineData("path\\x", "'path\\x'")]
    public void Quote_escapes_what_a_terminal_would_interpret(string content, string expected) =>
        Assert.Equal(expected, Printable.Quote(content));

    [Fact] // not an InlineData: xunit's serialization replaces lone surrogates
    public void Quote_escapes_lone_surrogates() =>
        Assert.Equal("'lone\\uD800 low\\uDC00 end\\uD83D'", Printable.Quote("lone\uD800 low\uDC00 end\uD83D"));

    [Fact]
    public void Quote_cuts_long_content_saying_how_much_is_left_out_and_never_splits_a_pair()
    {
        Assert.Equal("'abcd'… (+6 more characters)", Printable.Quote("abcdefghij", maxLength: 4));
        Assert.Equal("'ab'… (+3 more characters)", Printable.Quote("ab\uD83D\uDE00c", maxLength: 3));
        Assert.Equal(Printable.DefaultMaxLength + 2, Printable.Quote(new string('x', 10_000)).IndexOf('…'));
        Assert.Equal("null", Printable.Quote(null));
    }

    [Fact]
    public void Escape_is_Quote_without_the_quotes()
    {
        Assert.Equal("\"a\\x1Bb\"", Printable.Escape("\"a\u001Bb\""));
        Assert.Equal("abc… (+2 more characters)", Printable.Escape("abcde", 3));
    }

    [Fact]
    public void Sanitize_keeps_a_clean_message_as_is_and_makes_any_other_one_printable_line()
    {
        const string clean = "llmforge: '/tmp/a b/ü.txt' is not there (C:\\x)";
        Assert.Same(clean, Printable.Sanitize(clean));
        Assert.Equal("one\\x0Atwo \\x1B[2J", Printable.Sanitize("one\ntwo \u001B[2J"));
        Assert.Equal(new string('y', 500), Printable.Sanitize(new string('y', 500))); // never cut
    }
}
