using LlmForge.Data;
using LlmForge.Tests.Checkpoints;
using Xunit;

namespace LlmForge.Tests.Data;

public class LabelledTextFileTests
{
    [Fact]
    public void Tsv_with_header_blank_lines_and_tabs_in_the_text()
    {
        using var dir = new TempDirectory();
        string path = dir.File("data.tsv");
        File.WriteAllText(path, "text\tlabel\r\nthe cat\tpos\n\n a\tb \tneg \n");
        var rows = LabelledTextFile.Read(path);
        Assert.Equal([("the cat", "pos", 2), ("a\tb", "neg", 4)], rows.Select(r => (r.Text, r.Label!, r.Line)));
        Assert.Equal(["neg", "pos"], LabelledTextFile.Labels(rows));
    }

    [Fact]
    public void Csv_with_quoted_commas_and_quotes()
    {
        using var dir = new TempDirectory();
        string path = dir.File("data.csv");
        File.WriteAllText(path, "sentence,Label\n\"hello, \"\"world\"\"\",greeting\nbye,farewell\n");
        var rows = LabelledTextFile.Read(path);
        Assert.Equal([("hello, \"world\"", "greeting"), ("bye", "farewell")], rows.Select(r => (r.Text, r.Label!)));
    }

    [Theory]
    [InlineData("data.tsv", "a\tpos\nno label here\n", "line 2 has no label")]
    [InlineData("data.csv", "a,b,c\n", "line 1 has 3 fields")]
    [InlineData("data.csv", "\"open,pos\n", "line 1: a quoted field is not closed")]
    [InlineData("data.tsv", "\tpos\n", "line 1 has an empty text")]
    public void Bad_lines_name_the_file_and_line(string name, string content, string expected)
    {
        using var dir = new TempDirectory();
        string path = dir.File(name);
        File.WriteAllText(path, content);
        var e = Assert.Throws<InvalidDataException>(() => LabelledTextFile.Read(path));
        Assert.StartsWith(path, e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void Texts_to_predict_need_no_label()
    {
        using var dir = new TempDirectory();
        string path = dir.File("predict.txt");
        File.WriteAllText(path, "first text\nsecond\tpos\n");
        var rows = LabelledTextFile.Read(path, labelsRequired: false);
        Assert.Equal([("first text", null), ("second", "pos")], rows.Select(r => (r.Text, r.Label)));
    }
}
