using LlmForge.Data;
using Xunit;

namespace LlmForge.Tests.Data.Translation;

public sealed class TranslationPairsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("llmforge-pairs-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string content)
    {
        string path = Path.Combine(_dir, "pairs.tsv");
        File.WriteAllText(path, content);
        return path;
    }

    [Fact]
    public void Read_TheFixture_KeepsQuotesAndAccentsAndLineNumbers()
    {
        var pairs = TranslationPairsFile.Read(FixturePath.Of("translation", "pairs.tsv"));
        Assert.Equal(137, pairs.Count);
        Assert.Equal(new TranslationPair("Open the file", "Ouvrir le fichier", 1), pairs[0]);
        var quoted = pairs.Single(p => p.Source == "unknown command \"%s\"");
        Assert.Equal("commande inconnue « %s »", quoted.Target);
        Assert.Equal(24, quoted.Line);
    }

    [Fact]
    public void Read_SkipsBlankLinesAndAHeader_TrimsFieldsAndCarriageReturns()
    {
        var pairs = TranslationPairsFile.Read(Write("source\ttarget\r\n\r\n  Open \t Ouvrir \r\n\"quoted\"\t« cité »\n"));
        Assert.Equal([new TranslationPair("Open", "Ouvrir", 3), new TranslationPair("\"quoted\"", "« cité »", 4)], pairs);
    }

    [Theory]
    [InlineData("Open\tOuvrir\nno tab here\n", "line 2 has no tab")]
    [InlineData("Open\tOuvrir\ta third field\n", "line 1 has 3 tab-separated fields")]
    [InlineData("Open\tOuvrir\n\nClose\t \n", "line 3 has an empty target")]
    [InlineData("\tOuvrir\n", "line 1 has an empty source")]
    [InlineData("\n\n", "no source<TAB>target pairs")]
    public void Read_ABadLine_IsOneMessageNamingFileAndLine(string content, string message)
    {
        string path = Write(content);
        var e = Assert.Throws<InvalidDataException>(() => TranslationPairsFile.Read(path));
        Assert.StartsWith(path + ": ", e.Message);
        Assert.Contains(message, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void Split_IsTheSameEveryRun_CoversEveryPairOnce_AndDependsOnTheSeed()
    {
        var pairs = TranslationPairsFile.Read(FixturePath.Of("translation", "pairs.tsv"));
        var (train, validation) = TranslationSplit.Split(pairs, 0.1, seed: 7);
        var (train2, validation2) = TranslationSplit.Split(pairs, 0.1, seed: 7);
        Assert.Equal(13, validation.Count);
        Assert.Equal(124, train.Count);
        Assert.Equal(validation, validation2);
        Assert.Equal(train, train2);
        Assert.Equal(pairs.OrderBy(p => p.Line), train.Concat(validation).OrderBy(p => p.Line));
        Assert.True(validation.Zip(validation.Skip(1)).All(p => p.First.Line < p.Second.Line), "each part keeps the file order");
        Assert.NotEqual(validation, TranslationSplit.Split(pairs, 0.1, seed: 8).Validation);
        // Not the trailing lines: a shuffled split.
        Assert.NotEqual(pairs.TakeLast(13), validation);
    }

    [Fact]
    public void Split_RejectsAFractionThatLeavesAPartEmpty()
    {
        TranslationPair[] two = [new("a", "b", 1), new("c", "d", 2)];
        Assert.Throws<ArgumentOutOfRangeException>(() => TranslationSplit.Split(two, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => TranslationSplit.Split(two, 1));
        Assert.Throws<ArgumentException>(() => TranslationSplit.Split([two[0]], 0.5));
        Assert.Single(TranslationSplit.Split(two, 0.01).Validation); // at least one pair held out
    }
}
