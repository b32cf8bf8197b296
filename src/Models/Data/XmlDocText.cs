using System.Text;
using System.Xml;

namespace LlmForge.Data;

/// <summary>
/// The English prose of a .NET XML documentation file: the text of every <c>&lt;summary&gt;</c> and
/// <c>&lt;remarks&gt;</c>, one paragraph per string. Inline tags become words, as a reader sees them:
/// <c>&lt;see cref="T:System.String"/&gt;</c> → "String", <c>&lt;see langword="null"/&gt;</c> → "null",
/// <c>&lt;paramref name="x"/&gt;</c> → "x", <c>&lt;c&gt;x&lt;/c&gt;</c> → "x"; <c>&lt;para&gt;</c> and list items
/// start new paragraphs; <c>&lt;code&gt;</c> samples are left out; whitespace runs become one space.
/// </summary>
public static class XmlDocText
{
    /// <summary>Paragraphs of one documentation file, in document order (not deduplicated).</summary>
    public static List<string> ExtractParagraphs(TextReader xml)
    {
        var paragraphs = new List<string>();
        var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null };
        using var reader = XmlReader.Create(xml, settings);
        var text = new StringBuilder();
        while (reader.Read())
        {
            if (reader.NodeType == XmlNodeType.Element && reader.LocalName is "summary" or "remarks" && !reader.IsEmptyElement)
            {
                ReadBlock(reader, text, paragraphs);
                Flush(text, paragraphs);
            }
        }
        return paragraphs;
    }

    // Words nearly every English sentence has and code signatures lack.
    private static readonly HashSet<string> FunctionWords = new(StringComparer.OrdinalIgnoreCase)
    {
        "the", "an", "of", "to", "in", "is", "are", "be", "that", "this", "for", "and", "or", "with", "by",
        "from", "as", "on", "if", "it", "not", "which", "when",
    };

    /// <summary>
    /// Heuristic: prose has at least one common English function word ("the", "of", "is", …) as a
    /// whole word. It drops the hardware-intrinsic signatures that fill System.Runtime.Intrinsics's
    /// summaries ("__m128 _mm_add_ps (__m128 a, __m128 b)", "A64: ADD Vd.4S, Vn.4S, Vm.4S").
    /// </summary>
    public static bool LooksLikeProse(string paragraph)
    {
        foreach (var word in paragraph.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (FunctionWords.Contains(word.Trim(WordPunctuation))) return true;
        }
        return false;
    }

    private static readonly char[] WordPunctuation = ".,;:!?()[]{}\"'<>*/".ToCharArray();

    /// <summary>The short name a reader sees for a cref or uid: "M:System.String.Join(System.String[])" → "Join".</summary>
    public static string ShortName(string reference)
    {
        string s = reference;
        int colon = s.IndexOf(':');
        if (colon >= 0 && colon <= "Overload".Length) s = s[(colon + 1)..]; // "T:", "M:", "!:", "Overload:"
        int cut = s.IndexOfAny(['(', '{', '[']);
        if (cut >= 0) s = s[..cut];
        s = s.TrimEnd('.');
        if (s.EndsWith(".#ctor", StringComparison.Ordinal) || s.EndsWith(".#cctor", StringComparison.Ordinal))
            s = s[..s.LastIndexOf('.')]; // a constructor reads as its type's name
        s = s[(s.LastIndexOfAny(['.', '#']) + 1)..]; // explicit interface members: System#IDisposable#Dispose
        int backtick = s.IndexOf('`');
        return backtick >= 0 ? s[..backtick] : s;   // generic arity: List`1, Select``2
    }

    // reader is on the start tag of a summary/remarks; consumes up to its end tag.
    private static void ReadBlock(XmlReader reader, StringBuilder text, List<string> paragraphs)
    {
        int depth = reader.Depth;
        reader.Read();
        while (!(reader.Depth == depth && reader.NodeType == XmlNodeType.EndElement) && !reader.EOF)
        {
            switch (reader.NodeType)
            {
                case XmlNodeType.Text or XmlNodeType.CDATA or XmlNodeType.Whitespace or XmlNodeType.SignificantWhitespace:
                    text.Append(reader.Value);
                    break;
                case XmlNodeType.Element:
                    if (StartElement(reader, text, paragraphs)) continue; // already moved past the element
                    break;
                case XmlNodeType.EndElement:
                    EndElement(reader.LocalName, text, paragraphs);
                    break;
            }
            reader.Read();
        }
    }

    // Returns true when it skipped the whole element (reader already on the next node).
    private static bool StartElement(XmlReader reader, StringBuilder text, List<string> paragraphs)
    {
        switch (reader.LocalName)
        {
            case "code":
                reader.Skip();
                text.Append(' ');
                return true;
            case "xref":
                // <xref uid="System.Diagnostics.Activity"></xref>: the uid is the reference, the body is empty.
                string? uid = reader.GetAttribute("uid");
                if (uid is not null) text.Append(ShortName(uid));
                reader.Skip();
                return true;
            case "see" or "seealso":
                if (reader.IsEmptyElement)
                {
                    string? cref = reader.GetAttribute("cref");
                    text.Append(cref is not null ? ShortName(cref) : reader.GetAttribute("langword"));
                }
                break; // <see cref="…">text</see>: the text flows on
            case "paramref" or "typeparamref":
                if (reader.IsEmptyElement) text.Append(reader.GetAttribute("name"));
                break;
            case "para" or "p" or "li" or "item" or "listheader":
                Flush(text, paragraphs);
                break;
            case "term" or "description" or "br":
                text.Append(' ');
                break;
        }
        return false;
    }

    private static void EndElement(string name, StringBuilder text, List<string> paragraphs)
    {
        switch (name)
        {
            case "para" or "p" or "li" or "item" or "listheader":
                Flush(text, paragraphs);
                break;
            case "term" or "description":
                text.Append(' ');
                break;
        }
    }

    private static void Flush(StringBuilder text, List<string> paragraphs)
    {
        string paragraph = NormalizeWhitespace(text);
        text.Clear();
        if (paragraph.Length > 0) paragraphs.Add(paragraph);
    }

    private static string NormalizeWhitespace(StringBuilder text)
    {
        var result = new StringBuilder(text.Length);
        bool space = false;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (char.IsWhiteSpace(c))
            {
                space = result.Length > 0;
                continue;
            }
            if (space) result.Append(' ');
            space = false;
            result.Append(c);
        }
        return result.ToString();
    }
}
