using System.Text.Json;
using LlmForge.Tokenization;
using Xunit;

namespace LlmForge.Tests.Tokenization;

public class UnicodeNormalizationTests
{
    /// <summary>
    /// NFC and NFD against Python's unicodedata.normalize on hand-picked cases (singletons, exclusions, mark
    /// reordering, blocked composition, Hangul, Vietnamese) and 200 random strings (tools/reference/wordpiece_reference.py).
    /// </summary>
    [Fact]
    public void NfcAndNfd_MatchPython()
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(FixturePath.Of("wordpiece", "cases.json")));
        var failures = new List<string>();
        int count = 0;
        foreach (var c in doc.RootElement.GetProperty("normalization").EnumerateArray())
        {
            string text = c.GetProperty("text").GetString()!;
            string nfc = UnicodeNormalization.Nfc(text), nfd = UnicodeNormalization.Nfd(text);
            if (nfc != c.GetProperty("nfc").GetString()) failures.Add($"NFC {Escape(text)} → {Escape(nfc)}, expected {Escape(c.GetProperty("nfc").GetString()!)}");
            if (nfd != c.GetProperty("nfd").GetString()) failures.Add($"NFD {Escape(text)} → {Escape(nfd)}, expected {Escape(c.GetProperty("nfd").GetString()!)}");
            count++;
        }
        Assert.True(count > 200, $"only {count} normalization cases");
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(20)));
    }

    [Theory]
    [InlineData("e\u0301", "\u00E9")]          // composes
    [InlineData("\u212B", "\u00C5")]           // Ångström sign: a singleton, never comes back
    [InlineData("\u0958", "\u0915\u093C")]     // excluded from composition: stays decomposed
    [InlineData("\u1100\u1161\u11A8", "각")]   // Hangul L V T → one syllable
    [InlineData("a\u0316\u0301", "\u00E1\u0316")] // the acute (230) is not blocked by the grave below (220)
    public void Nfc_Examples(string text, string expected) => Assert.Equal(expected, UnicodeNormalization.Nfc(text));

    [Fact]
    public void Nfd_ReordersMarksByCombiningClass()
    {
        // ḍ̇ = d + dot above (230) + dot below (220) → d + dot below + dot above.
        Assert.Equal("d\u0323\u0307", UnicodeNormalization.Nfd("\u1E0B\u0323"));
        Assert.Equal("\u1112\u1161\u11AB", UnicodeNormalization.Nfd("한"));
    }

    private static string Escape(string s) => string.Concat(s.EnumerateRunes().Select(r => r.Value < 128 ? r.ToString() : $"\\u{r.Value:X4}"));
}
