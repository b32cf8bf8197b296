// Learn 2 — Tokenizers.
//
// A model reads numbers, not text: a tokenizer cuts text into pieces from a fixed vocabulary and gives each piece its
// row number (id) in the embedding table. The choice is a trade-off. Characters need a tiny vocabulary but make long
// sequences (attention's cost grows with the square of the length); whole words make short sequences but an endless
// vocabulary and no way to spell a new word. Subwords sit between: frequent words are one token, rare ones are spelled
// from pieces. This sample learns each kind on the same text and shows ids and pieces side by side.
//
// Usage: dotnet run -c Release --project samples/02-Tokenizers
//        (text: ../shared/data/the-verdict.txt beside the clone when present, else the SDK's documentation prose;
//         GPT-2's files: $LLMFORGE_GPT2_DIR, artifacts/gpt2 (bash tools/fetch-gpt2-vocab.sh) or ../shared/data/gpt2)
using LlmForge.Data;
using LlmForge.Samples;
using LlmForge.Tokenization;

// ------------------------------------------------------------------------------------------------------ the text
// "The Verdict" (Edith Wharton, 1908; the course's text) when it is beside the clone; otherwise the corpus every
// .NET SDK carries (LlmForge.Data.DefaultCorpus), cut to its first 200,000 characters to keep the training quick.
string? verdict = SampleFiles.SharedText("the-verdict.txt");
string corpus = verdict is not null ? File.ReadAllText(verdict) : DefaultCorpus.Load().Text is var all && all.Length > 200_000 ? all[..200_000] : all;
Console.WriteLine($"Text: {(verdict is not null ? "the-verdict.txt" : "the .NET SDK's documentation prose (DefaultCorpus)")}, {corpus.Length:N0} characters");
// A sentence of the text itself, so every character is known to the character tokenizer.
string line = corpus.Split('\n').Select(l => l.Trim()).First(l => l.Length >= 40);
string sentence = line.Length <= 48 ? line : line[..line.LastIndexOf(' ', 48)]; // whole words, about 40 characters
Console.WriteLine($"Sentence: \"{sentence}\"");

// --------------------------------------------------------------------------------------------------- 1. characters
// The vocabulary is the set of characters in the text: nothing to learn, one id per character, and a character never
// seen in training cannot be encoded at all.
Console.WriteLine();
var chars = CharTokenizer.FromCorpus(corpus);
Console.WriteLine($"1. Characters: vocabulary {chars.VocabSize} (the distinct characters of the text)");
Show(chars, sentence);

// ------------------------------------------------------------------------------------------- 2. byte-level BPE
// Byte-pair encoding (Sennrich et al. 2016; byte-level as in GPT-2): start from the 256 byte values, so any text can
// be encoded, then repeatedly merge the most frequent adjacent pair into a new token. The merges, in order, are the
// tokenizer: encoding replays them. ("Ġ" is GPT-2's printable stand-in for a space byte.)
Console.WriteLine();
var bpe = BpeTrainer.Train(corpus, new BpeTrainerOptions { VocabSize = 256 + 300 + 1 });
Console.WriteLine($"2. Byte-level BPE learned on the text: 256 bytes + {bpe.Merges.Count} merges + <|endoftext|> = vocabulary {bpe.VocabSize}");
Console.WriteLine($"   first merges: {string.Join(", ", bpe.Merges.Take(12).Select(m => $"{m.Left} + {m.Right} → {m.Left + m.Right}"))}");
Console.WriteLine($"   last merge: {bpe.Merges[^1].Left} + {bpe.Merges[^1].Right}");
Show(bpe, sentence);

// ------------------------------------------------------------------------------------------------ 3. GPT-2's BPE
// The same algorithm trained by OpenAI on 40 GB of web text: 50,000 merges, vocabulary 50,257. Common words are one
// token, with their leading space.
Console.WriteLine();
string? gpt2Directory = SampleFiles.Gpt2Directory();
Gpt2Tokenizer? gpt2 = null;
if (gpt2Directory is null)
    Console.WriteLine("3. GPT-2's BPE: skipped, GPT-2's vocabulary files are not here (run `bash tools/fetch-gpt2-vocab.sh`, or set LLMFORGE_GPT2_DIR)");
else
{
    gpt2 = Gpt2Tokenizer.FromDirectory(gpt2Directory);
    Console.WriteLine($"3. GPT-2's BPE: vocabulary {gpt2.VocabSize:N0}, {gpt2.Merges.Count:N0} merges");
    Show(gpt2, "Hello, I am");
    Show(gpt2, sentence);
}

// ---------------------------------------------------------------------------------------------------- 4. WordPiece
// BERT's tokenizer: words first (lower-cased, punctuation split off), then each word spelled greedily with the longest
// vocabulary entry that fits; a piece inside a word carries "##". Learned here by merging pairs, as BPE does.
Console.WriteLine();
var wordPiece = WordPieceTrainer.Train(corpus, new WordPieceTrainerOptions { VocabSize = 600 });
Console.WriteLine($"4. WordPiece learned on the text: vocabulary {wordPiece.VocabSize} (5 special tokens, the characters, the merges)");
Show(wordPiece, sentence);
Show(wordPiece, "an unbelievable masterpiece");   // rarer words: spelled from pieces

// ------------------------------------------------------------------------------------------- 5. what each one costs
// Fewer tokens for the same text means a longer context fits in the same attention window; the price is a bigger
// embedding table (vocabulary × width) and output layer.
Console.WriteLine();
Console.WriteLine("5. The whole text in tokens (characters per token: how much each token carries)");
foreach (var (name, tokenizer) in new (string, ITokenizer?)[] { ("characters", chars), ("BPE (learned)", bpe), ("GPT-2 BPE", gpt2), ("WordPiece", wordPiece) })
{
    if (tokenizer is null) continue;
    int count = tokenizer.Encode(corpus).Count;
    Console.WriteLine($"   {name,-14} vocabulary {tokenizer.VocabSize,6:N0}   tokens {count,7:N0}   characters per token {(double)corpus.Length / count:F2}");
}

// Prints ids under their pieces, columns aligned, then checks that decoding gives the text back.
static void Show(ITokenizer tokenizer, string text)
{
    var ids = tokenizer.Encode(text);
    var pieces = ids.Select(id => Piece(tokenizer, id)).ToList();
    var widths = pieces.Select((p, i) => Math.Max(p.Length, ids[i].ToString().Length)).ToList();
    Console.WriteLine($"   \"{text}\" → {ids.Count} tokens");
    Console.WriteLine("   pieces: " + string.Join(" ", pieces.Select((p, i) => p.PadRight(widths[i]))).TrimEnd());
    Console.WriteLine("   ids:    " + string.Join(" ", ids.Select((id, i) => id.ToString().PadRight(widths[i]))).TrimEnd());
    string back = tokenizer.Decode(ids);
    // WordPiece keeps no case and no spacing: its decoding is the lower-cased words, so compare those
    static string Letters(string s) => s.Replace(" ", "", StringComparison.Ordinal).ToLowerInvariant();
    bool same = tokenizer is WordPieceTokenizer ? Letters(back) == Letters(text) : back == text;
    Console.WriteLine($"   decoded: \"{back}\" ({(same ? "the text back" : "NOT the text")}{(tokenizer is WordPieceTokenizer ? ", lower-cased, spaces around punctuation" : "")})");
}

// A token's text: WordPiece's vocabulary entry (with its ##), else the decoded bytes with a space shown as "␣".
static string Piece(ITokenizer tokenizer, int id) =>
    tokenizer is WordPieceTokenizer w ? w.TokenOf(id) : tokenizer.Decode([id]).Replace(' ', '␣').Replace("\n", "\\n");
