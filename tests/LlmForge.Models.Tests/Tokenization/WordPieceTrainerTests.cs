using LlmForge.Tokenization;
using Xunit;

namespace LlmForge.Tests.Tokenization;

public class WordPieceTrainerTests
{
    private const string Corpus = "hug hug hug hug pug pug pun bun bun bun bun hugs hugs";

    [Fact]
    public void Train_ListsSpecialsThenCharactersThenMergesInOrder()
    {
        var tok = WordPieceTrainer.Train(Corpus, new WordPieceTrainerOptions { VocabSize = 14 });
        // Characters: b h p (initial) and ##g ##n ##s ##u (continuations), sorted ordinally ("#" < letters).
        Assert.Equal(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "##g", "##n", "##s", "##u", "b", "h", "p"],
            tok.Vocabulary.Take(12));
        // Pair counts: (##u, ##g) = 4 hug + 2 pug + 2 hugs = 8 first; then (h, ##ug) = 6 beats (##u, ##n) = 5.
        Assert.Equal(["##ug", "hug"], tok.Vocabulary.Skip(12));
        Assert.Equal(["hug", "##s"], tok.Tokenize("hugs"));
    }

    [Fact]
    public void Train_LikelihoodScore_PrefersPairsWhosePartsOccurTogether()
    {
        // (##g, ##s): 2 / (count(##g) 8 · count(##s) 2) = 1/8 beats every pair with ##u, e.g. the most
        // frequent (##u, ##g): 8 / (count(##u) 13 · 8) = 1/13.
        var tok = WordPieceTrainer.Train(Corpus, new WordPieceTrainerOptions { VocabSize = 13, Score = WordPieceMergeScore.Likelihood });
        Assert.Equal("##gs", tok.Vocabulary[^1]);
    }

    [Fact]
    public void Train_IsDeterministic_AndSpellsEveryCorpusWordWithoutUnknown()
    {
        string text = string.Join(" ", Enumerable.Range(0, 400).Select(i => $"Word{i % 37} très-{i % 11}, ÉTÉ {i % 5}!"));
        var options = new WordPieceTrainerOptions { VocabSize = 70 };
        var a = WordPieceTrainer.Train(text, options);
        var b = WordPieceTrainer.Train([text], options);
        Assert.Equal(a.Vocabulary, b.Vocabulary);
        Assert.Equal(70, a.VocabSize);
        Assert.DoesNotContain(a.UnknownId, a.Encode(text));
        Assert.Contains("tres", a.Decode(a.Encode("TRÈS")));
    }

    [Fact]
    public void Train_VocabSizeBelowTheAlphabet_SaysHowManyAreNeeded()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() =>
            WordPieceTrainer.Train("abc", new WordPieceTrainerOptions { VocabSize = 6 }));
        Assert.Contains("= 8", e.Message);
    }

    [Fact]
    public void Train_StopsWhenNoPairIsFrequentEnough()
    {
        var tok = WordPieceTrainer.Train("ab cd", new WordPieceTrainerOptions { VocabSize = 100 });
        Assert.Equal(5 + 4, tok.VocabSize); // every pair occurs once, below MinPairCount 2
    }
}
