"""Export languages as tables: a header spelling per language, so a new language is data, not code.

Every platform module declares its fields with their English spellings (and, for the
oldest layouts, French ones in the field itself). The tables here give, per language, the
spellings the platforms use for those English headers in their translated UIs; header
matching reads them for every field of every format. Keys are English spellings exactly as
a format declares them (`Field.en`), values the local spellings.
"""

from __future__ import annotations

# Code -> the name a person reads in a detection line.
NAMES: dict[str, str] = {
    "en": "English",
    "fr": "French",
    "de": "German",
    "es": "Spanish",
    "pt": "Portuguese",
    "ja": "Japanese",
}

# Languages whose exports write numbers with a decimal comma when the sample shows nothing.
DECIMAL_COMMA: frozenset[str] = frozenset({"fr", "de", "es", "pt"})

# language -> English spelling (as in a Field) -> local spellings.
HEADERS: dict[str, dict[str, tuple[str, ...]]] = {
    "de": {},
    "es": {},
    "pt": {},
    "ja": {},
}

# YouTube Studio
# Spellings seen in Studio exports (German headers carry soft hyphens, which header matching
# ignores); '# unsure' marks spellings not yet seen in a real export.
_YOUTUBE: dict[str, dict[str, tuple[str, ...]]] = {
    "de": {
        "Content": ("Inhalt", "Videos"),
        "Video title": ("Videotitel",),
        "Video publish time": ("Veröffentlichungszeitpunkt des Videos",),
        "Duration": ("Dauer",),
        "Date": ("Datum",),
        "Views": ("Aufrufe",),
        "Engaged views": ("Engagierte Aufrufe",),  # unsure
        "Watch time (hours)": ("Wiedergabezeit (Stunden)",),
        "Subscribers": ("Abonnenten",),
        "Subscribers gained": ("Gewonnene Abonnenten", "Abonnenten gewonnen"),  # unsure
        "Impressions": ("Impressionen",),
        "Impressions click-through rate (%)": ("Klickrate der Impressionen (%)",),
        "Average view duration": ("Durchschnittliche Wiedergabedauer",),
        "Average percentage viewed (%)": ("Durchschnittlich angesehener Prozentsatz (%)",),  # unsure
        "Unique viewers": ("Einzelne Zuschauer",),
        "Estimated revenue ({cur})": ("Geschätzter Umsatz ({cur})",),
        "Likes": ("Mag ich", "„Mag ich“-Bewertungen"),  # unsure
        "Comments added": ("Hinzugefügte Kommentare",),  # unsure
        "Shares": ("Geteilte Inhalte", "Mal geteilt"),  # unsure
        "Traffic source": ("Zugriffsquelle",),
        "Geography": ("Geografie", "Land"),
        "Device type": ("Gerätetyp",),
        "Subscription status": ("Abostatus",),  # unsure
        "Video position (%)": ("Videoposition (%)",),  # unsure
        "Absolute audience retention (%)": ("Absolute Zuschauerbindung (%)",),  # unsure
        "Relative audience retention (%)": ("Relative Zuschauerbindung (%)",),  # unsure
    },
    "pt": {
        "Content": ("Conteúdo",),
        "Video title": ("Título do vídeo",),
        "Video publish time": ("Horário de publicação do vídeo",),
        "Duration": ("Duração",),
        "Date": ("Data",),
        "Views": ("Visualizações",),
        "Engaged views": ("Visualizações engajadas",),
        "Watch time (hours)": ("Tempo de exibição (horas)",),
        "Subscribers": ("Inscritos",),
        "Subscribers gained": ("Inscritos ganhos",),  # unsure
        "Impressions": ("Impressões",),
        "Impressions click-through rate (%)": ("Taxa de cliques de impressões (%)",),
        "Average view duration": ("Duração média da visualização",),
        "Average percentage viewed (%)": ("Porcentagem visualizada média (%)",),
        "Unique viewers": ("Espectadores únicos",),
        "Estimated revenue ({cur})": ("Receita estimada ({cur})",),  # unsure
        "Likes": ('Marcações "Gostei"', "Curtidas"),  # unsure
        "Comments added": ("Comentários adicionados",),  # unsure
        "Shares": ("Compartilhamentos",),
        "Traffic source": ("Origem do tráfego",),
        "Geography": ("Geografia",),
        "Device type": ("Tipo de dispositivo",),
        "Subscription status": ("Status da inscrição",),  # unsure
        "Video position (%)": ("Posição no vídeo (%)",),  # unsure
        "Absolute audience retention (%)": ("Retenção de público absoluta (%)",),  # unsure
    },
    "es": {
        "Content": ("Contenido",),
        "Video title": ("Título del vídeo", "Título del video"),
        "Video publish time": ("Hora de publicación del vídeo", "Hora de publicación del video"),
        "Duration": ("Duración",),
        "Date": ("Fecha",),
        "Views": ("Visualizaciones", "Vistas"),
        "Engaged views": ("Visualizaciones con interacción",),  # unsure
        "Watch time (hours)": ("Tiempo de visualización (horas)",),
        "Subscribers": ("Suscriptores",),
        "Subscribers gained": ("Suscriptores ganados",),
        "Impressions": ("Impresiones",),
        "Impressions click-through rate (%)": ("Porcentaje de clics de las impresiones (%)",),
        "Average view duration": ("Duración media de la visualización", "Duración promedio de vista"),
        "Average percentage viewed (%)": ("Porcentaje medio visto (%)",),
        "Estimated revenue ({cur})": ("Ingresos estimados ({cur})",),
        "Likes": ("Me gusta",),
        "Comments added": ("Comentarios añadidos", "Comentarios"),  # unsure
        "Shares": ("Compartidos", "Veces compartido"),  # unsure
        "Traffic source": ("Fuente de tráfico",),
        "Geography": ("Geografía",),
        "Device type": ("Tipo de dispositivo",),
        "Subscription status": ("Estado de la suscripción",),  # unsure
    },
    "ja": {
        "Content": ("コンテンツ",),
        "Video title": ("動画のタイトル",),
        "Video publish time": ("動画公開時刻",),
        "Duration": ("長さ",),
        "Date": ("日付",),
        "Views": ("視聴回数",),
        "Engaged views": ("エンゲージ ビュー",),
        "Watch time (hours)": ("総再生時間（単位: 時間）",),
        "Subscribers": ("チャンネル登録者",),
        "Subscribers gained": ("登録者増加数",),  # unsure
        "Impressions": ("インプレッション数",),
        "Impressions click-through rate (%)": ("インプレッションのクリック率 (%)",),
        "Average view duration": ("平均視聴時間",),
        "Average percentage viewed (%)": ("平均再生率 (%)", "平均視聴率 (%)"),
        "Estimated revenue ({cur})": ("推定収益 ({cur})",),
        "Likes": ("高評価数",),
        "Shares": ("共有数",),
        "Traffic source": ("トラフィック ソース",),
    },
}
for _language, _table in _YOUTUBE.items():
    for _english, _local in _table.items():
        HEADERS[_language][_english] = HEADERS[_language].get(_english, ()) + _local

# The first cell of Studio's total row, per language (German writes it with a soft hyphen).
YOUTUBE_TOTAL_LABELS: dict[str, tuple[str, ...]] = {
    "en": ("Total",),
    "fr": ("Total",),
    "de": ("Gesamt",),
    "pt": ("Total",),
    "es": ("Total",),
    "ja": ("合計",),
}
# Lines Studio writes after a table cut at its row limit, as regular expressions on the lower-
# cased first cell. Only the English one is seen verbatim; the others are unsure.
YOUTUBE_TRAILERS: dict[str, tuple[str, ...]] = {
    "en": (r"showing (the )?top \d+ results",),
    "fr": (r"affichage des \d+ premiers résultats",),
    "de": (r"die (ersten|top) \d+ ergebnisse",),
    "pt": (r"(mostrando|exibindo) os \d+ principais resultados",),
    "es": (r"se muestran los \d+ resultados principales", r"mostrando los \d+ resultados principales"),
    "ja": (r"全\d+件の結果", r"上位 ?\d+ ?件"),
}
# Studio's traffic sources: English spelling -> how other UI languages write it (lower case
# is not needed; matching folds case). A source not listed is stored as the file spells it.
YOUTUBE_TRAFFIC_SOURCES: dict[str, tuple[str, ...]] = {
    "YouTube search": ("Recherche YouTube", "YouTube-Suche", "Pesquisa do YouTube", "Búsqueda de YouTube"),
    "Suggested videos": ("Vidéos suggérées", "Vorgeschlagene Videos", "Vídeos sugeridos", "Videos sugeridos"),
    "Browse features": (
        "Fonctionnalités de navigation",
        "Suchfunktionen",
        "Recursos de navegação",
        "Funciones de exploración",
    ),
    "External": ("Source externe", "Externe Quellen", "Externa", "Externo", "Externas"),
    "Direct or unknown": (
        "Accès direct ou inconnu",
        "Direkt oder unbekannt",
        "Direto ou desconhecido",
        "Directo o desconocido",
    ),
    "Channel pages": ("Pages de chaîne", "Kanalseiten", "Páginas do canal", "Páginas del canal"),
    "Playlists": ("Playlists", "Listas de reproducción"),
    "Notifications": ("Notifications", "Benachrichtigungen", "Notificações", "Notificaciones"),
    "Shorts feed": ("Flux Shorts", "Shorts-Feed", "Feed do Shorts", "Feed de Shorts"),
    "End screens": ("Écrans de fin", "Abspanne", "Telas finais", "Pantallas finales"),
    "Other YouTube features": (
        "Autres fonctionnalités YouTube",
        "Andere YouTube-Funktionen",
        "Outros recursos do YouTube",
        "Otras funciones de YouTube",
    ),
}


def _add(language: str, table: dict[str, tuple[str, ...]]) -> None:
    """Add one platform's block to a language's table (spellings already there are kept)."""
    known = HEADERS.setdefault(language, {})
    for english, local in table.items():
        known[english] = known.get(english, ()) + tuple(s for s in local if s not in known.get(english, ()))


# -- Google Ads ------------------------------------------------------------------------------
_add(
    "pt",
    {
        "Campaign": ("Campanha",),
        "Campaign type": ("Tipo de campanha",),
        "Currency code": ("Código da moeda",),
        "Impr.": ("Impr.",),
        "Interactions": ("Interações",),
        "Clicks": ("Cliques",),
        "Views": ("Visualizações",),
        "Cost": ("Custo",),
        "Conversions": ("Conversões",),
        "Conv. value": ("Valor de conv.", "Valor conv."),
    },
)


def spellings(language: str, english: tuple[str, ...]) -> tuple[str, ...]:
    """The spellings of these English headers in one language's table (none when it has none)."""
    table = HEADERS.get(language, {})
    return tuple(local for spelling in english for local in table.get(spelling, ()))


# language -> the twelve months, each as the spellings a date cell may use (full names,
# abbreviations with and without their dot); dates are read by folding them to English.
MONTHS: dict[str, tuple[tuple[str, ...], ...]] = {
    "fr": (
        ("janvier", "janv."),
        ("février", "fevrier", "févr.", "fevr.", "fév."),
        ("mars",),
        ("avril", "avr."),
        ("mai",),
        ("juin",),
        ("juillet", "juil."),
        ("août", "aout"),
        ("septembre", "sept."),
        ("octobre", "oct."),
        ("novembre", "nov."),
        ("décembre", "decembre", "déc.", "dec."),
    ),
    "es": (
        ("enero", "ene."),
        ("febrero", "feb."),
        ("marzo", "mar."),
        ("abril", "abr."),
        ("mayo",),
        ("junio", "jun."),
        ("julio", "jul."),
        ("agosto", "ago."),
        ("septiembre", "setiembre", "sep.", "sept."),
        ("octubre", "oct."),
        ("noviembre", "nov."),
        ("diciembre", "dic."),
    ),
    "pt": (
        ("janeiro", "jan."),
        ("fevereiro", "fev."),
        ("março", "marco"),
        ("abril", "abr."),
        ("maio",),
        ("junho",),
        ("julho",),
        ("agosto", "ago."),
        ("setembro", "set."),
        ("outubro", "out."),
        ("novembro", "nov."),
        ("dezembro", "dez."),
    ),
    "de": (
        ("januar", "jänner", "jan."),
        ("februar", "feb."),
        ("märz", "maerz", "mär."),
        ("april", "apr."),
        ("mai",),
        ("juni",),
        ("juli",),
        ("august", "aug."),
        ("september", "sept.", "sep."),
        ("oktober", "okt."),
        ("november", "nov."),
        ("dezember", "dez."),
    ),
}
ENGLISH_MONTHS: tuple[str, ...] = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
