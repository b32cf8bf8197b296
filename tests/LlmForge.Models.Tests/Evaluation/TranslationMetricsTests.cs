using System.Text.Json;
using LlmForge.Evaluation;
using Xunit;

namespace LlmForge.Tests.Evaluation;

public class TranslationMetricsTests
{
    // sacreBLEU's README (github.com/mjpost/sacrebleu, "Using SacreBLEU from Python"): two reference streams, and
    // BLEU = 48.53 82.4/50.0/45.5/37.5 (BP = 0.943 ratio = 0.944 hyp_len = 17 ref_len = 18), chrF2 = 59.73.
    private static readonly string[][] ReadmeReferences =
    [
        ["The dog bit the man.", "It was not unexpected.", "The man bit him first."],
        ["The dog had bit the man.", "No one was surprised.", "The man had bitten the dog."],
    ];

    private static readonly string[] ReadmeSystem = ["The dog bit the man.", "It wasn't surprising.", "The man had just bitten him."];

    [Fact]
    public void Bleu_GivesSacreBleusPublishedReadmeExample()
    {
        var bleu = Bleu.Corpus(ReadmeSystem, ReadmeReferences);
        Assert.Equal("BLEU = 48.53 82.4/50.0/45.5/37.5 (BP = 0.943 ratio = 0.944 hyp_len = 17 ref_len = 18)", bleu.ToString());
    }

    [Fact]
    public void ChrF_GivesSacreBleusPublishedReadmeExample() =>
        Assert.Equal(59.73, Math.Round(ChrF.Corpus(ReadmeSystem, ReadmeReferences), 2));

    /// <summary>
    /// The examples of the chrF metric card of Hugging Face datasets (metrics/chrf/README.md), which calls sacreBLEU's
    /// CHRF with its defaults: 61.576379378113785 for one sentence, 84.64214891738334 for two.
    /// </summary>
    [Fact]
    public void ChrF_GivesTheHuggingFaceMetricCardsSacreBleuValues()
    {
        double one = ChrF.Sentence("The relationship between Obama and Netanyahu is not exactly friendly.",
            "The ties between Obama and Netanyahu are not particularly friendly.");
        Assert.True(Math.Abs(one - 61.576379378113785) < 1e-9, $"{one}");
        double two = ChrF.Corpus(
            ["The relationship between cats and dogs is not exactly friendly.", "a good bookshop is just a genteel black hole that knows how to read."],
            ["The relationship between dogs and cats is not exactly friendly.", "A good bookshop is just a genteel Black Hole that knows how to read."]);
        Assert.True(Math.Abs(two - 84.64214891738334) < 1e-9, $"{two}");
    }

    /// <summary>
    /// Six systems over the French side of the pairs fixture (identical, words dropped, words swapped, lowercased without
    /// punctuation, first word only, shifted by one line) scored by tools/reference/translation_metrics_reference.py:
    /// the same BLEU statistics and scores, and the same chrF.
    /// </summary>
    [Fact]
    public void BleuAndChrF_MatchThePythonReferenceOnTheFixtureSystems()
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(FixturePath.Of("translation", "metrics-cases.json")));
        string[] references = [.. doc.RootElement.GetProperty("references").EnumerateArray().Select(e => e.GetString()!)];
        int systems = 0;
        foreach (var system in doc.RootElement.GetProperty("systems").EnumerateArray())
        {
            systems++;
            string name = system.GetProperty("system").GetString()!;
            string[] hypotheses = [.. system.GetProperty("hypotheses").EnumerateArray().Select(e => e.GetString()!)];
            var expected = system.GetProperty("bleu");
            var bleu = Bleu.Corpus(hypotheses, references);
            Assert.Equal(expected.GetProperty("correct").EnumerateArray().Select(e => e.GetInt64()), bleu.Matches);
            Assert.Equal(expected.GetProperty("total").EnumerateArray().Select(e => e.GetInt64()), bleu.Totals);
            Assert.Equal(expected.GetProperty("hyp_len").GetInt64(), bleu.HypothesisLength);
            Assert.Equal(expected.GetProperty("ref_len").GetInt64(), bleu.ReferenceLength);
            Assert.True(Math.Abs(bleu.Score - expected.GetProperty("score").GetDouble()) < 1e-9, $"{name}: BLEU {bleu.Score} vs {expected.GetProperty("score").GetDouble()}");
            double chrf = ChrF.Corpus(hypotheses, references);
            Assert.True(Math.Abs(chrf - system.GetProperty("chrf").GetDouble()) < 1e-9, $"{name}: chrF {chrf} vs {system.GetProperty("chrf").GetDouble()}");
        }
        Assert.Equal(6, systems);
    }

    [Fact]
    public void PerfectMatch_Is100()
    {
        string[] text = ["Le fichier n’a pas pu être ouvert.", "Voulez-vous vraiment supprimer ce fichier ?"];
        Assert.Equal(100, Bleu.Corpus(text, text).Score, 9);
        Assert.Equal(100, ChrF.Corpus(text, text), 9);
    }

    [Fact]
    public void EmptyHypotheses_ScoreZero()
    {
        string[] empty = ["", ""], references = ["Ouvrir le fichier", "Fermer la fenêtre"];
        var bleu = Bleu.Corpus(empty, references);
        Assert.Equal(0, bleu.Score);
        Assert.Equal(0, bleu.BrevityPenalty);
        Assert.Equal(0, ChrF.Corpus(empty, references));
    }

    [Fact]
    public void NoMatchingFourGram_IsSmoothedNotZero()
    {
        // 4 words each: every unigram and 2 of 3 bigrams match, no trigram or 4-gram does: 'exp' smoothing gives the
        // trigram 100 / (2 · 2) % and the 4-gram 100 / (4 · 1) % instead of a zero that would zero the score.
        var bleu = Bleu.Corpus(["a b c d"], ["c d a b"]);
        Assert.Equal([4L, 2, 0, 0], bleu.Matches);
        Assert.Equal([100.0, 200.0 / 3, 25.0, 25.0], bleu.Precisions);
        Assert.Equal(Math.Exp((Math.Log(100) + Math.Log(200.0 / 3) + 2 * Math.Log(25)) / 4), bleu.Score, 12);
    }

    [Fact]
    public void HypothesisShorterThanFourWords_ScoresZero()
    {
        // No 4-gram at all in the corpus: without effective order (sacreBLEU's corpus default) BLEU is 0.
        var bleu = Bleu.Corpus(["Open file"], ["Open file"]);
        Assert.Equal(0, bleu.Totals[3]);
        Assert.Equal(0, bleu.Score);
    }

    [Fact]
    public void ShortHypothesis_PaysTheBrevityPenalty()
    {
        var bleu = Bleu.Corpus(["the cat sat on the"], ["the cat sat on the mat today"]);
        Assert.Equal(Math.Exp(1 - 7.0 / 5), bleu.BrevityPenalty, 12);
        Assert.Equal(bleu.BrevityPenalty * 100, bleu.Score, 9);
    }

    [Theory]
    [InlineData("Hello, world!", "Hello , world !")]
    [InlineData("Version 2.4.1 costs 10,000 $", "Version 2.4.1 costs 10,000 $")]
    [InlineData("It wasn't git-prune-packed.", "It wasn't git-prune-packed .")]
    [InlineData("pages 3-5 (see \"notes\")", "pages 3 - 5 ( see \" notes \" )")]
    [InlineData("a &amp; b &lt;c&gt;", "a & b < c >")]
    [InlineData("  many   spaces\there ", "many spaces here")]
    public void Tokenizer13a_SplitsPunctuationAsMteval(string line, string expected) =>
        Assert.Equal(expected, Tokenizer13a.Tokenize(line));

    [Fact]
    public void MismatchedReferenceCount_NamesTheStream()
    {
        var e = Assert.Throws<ArgumentException>(() => Bleu.Corpus(["a", "b"], ["a"]));
        Assert.Contains("Reference stream 0 has 1 sentences for 2 hypotheses", e.Message);
    }
}
