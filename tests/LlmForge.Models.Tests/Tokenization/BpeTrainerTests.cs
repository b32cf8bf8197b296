using System.Text;
using LlmForge.Tokenization;
using Xunit;

namespace LlmForge.Tests.Tokenization;

public class BpeTrainerTests
{
    [Fact]
    public void Train_LearnsTheMostFrequentPairsFirst()
    {
        // Pre-tokens "ab", " ab", " ab": (a,b) ×3 then (Ġ,ab) ×2.
        var tok = BpeTrainer.Train("ab ab ab", new BpeTrainerOptions { VocabSize = 1000 });

        Assert.Equal([("a", "b"), ("Ġ", "ab")], tok.Merges);
        Assert.Equal(256 + 2 + 1, tok.VocabSize);
        Assert.Equal(258, tok.EndOfTextId);
        Assert.Equal([256, 257, 257, 258], tok.Encode("ab ab ab<|endoftext|>"));
    }

    [Fact]
    public void Train_BreaksTiesBySmallerPairIds()
    {
        // Every pair occurs once: (a,b) = (64,65) < (c,d) = (66,67) < (Ġ,c) = (220,66).
        var tok = BpeTrainer.Train("ab cd", new BpeTrainerOptions { VocabSize = 1000, MinPairCount = 1 });
        Assert.Equal([("a", "b"), ("c", "d"), ("Ġ", "cd")], tok.Merges);
    }

    [Fact]
    public void Train_StopsAtTheRequestedVocabularySize()
    {
        var tok = BpeTrainer.Train(Corpus(3000, seed: 1), new BpeTrainerOptions { VocabSize = 300 });
        Assert.Equal(300, tok.VocabSize);
        Assert.Equal(300 - 256 - 1, tok.Merges.Count);
        Assert.Equal(299, tok.EndOfTextId);
    }

    [Fact]
    public void Train_MatchesABruteForceRecountEveryMerge()
    {
        string corpus = Corpus(4000, seed: 2) + " naïve café 😀😀 日本語 日本";
        var tok = BpeTrainer.Train(corpus, new BpeTrainerOptions { VocabSize = 256 + 150, SpecialTokens = [] });
        Assert.Equal(BruteForceMerges(corpus, 150), tok.Merges);
    }

    [Fact]
    public void Train_DoesNotLearnFromSpecialTokenText()
    {
        var tok = BpeTrainer.Train("one<|endoftext|>two<|endoftext|>one<|endoftext|>", new BpeTrainerOptions { MinPairCount = 1 });
        Assert.DoesNotContain(tok.Merges, m => (m.Left + m.Right).Contains('|'));
        Assert.Equal(tok.EndOfTextId, tok.Encode("one<|endoftext|>")[^1]);
    }

    [Fact]
    public void TrainedTokenizer_RoundTripsAndSavesAsGpt2Files()
    {
        string corpus = Corpus(2000, seed: 3);
        var tok = BpeTrainer.Train(corpus, new BpeTrainerOptions { VocabSize = 400 });
        Assert.Equal(corpus, tok.Decode(tok.Encode(corpus)));
        Assert.True(tok.Encode(corpus).Count < Encoding.UTF8.GetByteCount(corpus) / 2); // it compresses

        using var dir = new TempDirectory();
        tok.Save(dir.Path);
        var loaded = Gpt2Tokenizer.FromDirectory(dir.Path);
        Assert.Equal(tok.Encode(corpus), loaded.Encode(corpus));
        Assert.Equal("héllo wörld 👋", loaded.Decode(loaded.Encode("héllo wörld 👋"))); // unseen bytes still encode
    }

    [Fact]
    public void Train_RejectsAVocabularyTooSmallForBytesAndSpecials()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => BpeTrainer.Train("abc", new BpeTrainerOptions { VocabSize = 256 }));
        Assert.Contains("VocabSize", e.Message);
        Assert.Contains("257", e.Message);
    }

    // Seeded pseudo-English: syllables joined into words, with punctuation and line breaks.
    private static string Corpus(int words, int seed)
    {
        string[] syllables = ["th", "e", "an", "in", "er", "on", "re", "st", "ing", "ou", "a", "is", "ck", "qu", "o"];
        var rng = new Random(seed);
        var sb = new StringBuilder();
        for (int i = 0; i < words; i++)
        {
            int n = rng.Next(1, 4);
            for (int k = 0; k < n; k++) sb.Append(syllables[rng.Next(syllables.Length)]);
            sb.Append(rng.Next(12) switch { 0 => ", ", 1 => ".\n", 2 => "  ", _ => " " });
        }
        return sb.ToString();
    }

    // The textbook trainer: recount every pair of every word occurrence before each merge.
    private static List<(string, string)> BruteForceMerges(string corpus, int count)
    {
        var words = Gpt2PreTokenizer.Split(corpus).GroupBy(w => w)
            .Select(g => (Symbols: ByteLevelAlphabet.ToTokenString(Encoding.UTF8.GetBytes(g.Key)).Select(c => c.ToString()).ToList(), Count: g.Count()))
            .ToList();
        var idOf = new Dictionary<string, int>();
        foreach (byte b in ByteLevelAlphabet.BytesInCharOrder()) idOf[ByteLevelAlphabet.ToChar(b).ToString()] = idOf.Count;
        var merges = new List<(string, string)>();
        while (merges.Count < count)
        {
            var counts = new Dictionary<(string, string), long>();
            foreach (var (symbols, n) in words)
                for (int i = 0; i + 1 < symbols.Count; i++)
                    counts[(symbols[i], symbols[i + 1])] = counts.GetValueOrDefault((symbols[i], symbols[i + 1])) + n;
            if (counts.Count == 0) break;
            var best = counts.OrderByDescending(kv => kv.Value).ThenBy(kv => idOf[kv.Key.Item1]).ThenBy(kv => idOf[kv.Key.Item2]).First();
            if (best.Value < 2) break;
            var (a, b2) = best.Key;
            merges.Add((a, b2));
            idOf.TryAdd(a + b2, idOf.Count);
            foreach (var (symbols, _) in words)
                for (int i = 0; i + 1 < symbols.Count; i++)
                    if (symbols[i] == a && symbols[i + 1] == b2) { symbols[i] = a + b2; symbols.RemoveAt(i + 1); }
        }
        return merges;
    }
}
