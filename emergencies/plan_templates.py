"""The scenario templates every association starts with (coordinators edit them).
Drawn from the Protezione Civile family plan, Red Cross / Ready.gov family plans, the
Stanley-Brown safety plan and domestic-violence safety plans; written plainly."""

# kind, (title, warning signs, first actions one per line, what helps) in Italian, then English
DEFAULT_TEMPLATES = [
    (
        "housing",
        (
            "Sfratto o perdita della casa",
            "Affitto non pagato da due mesi, lettere del proprietario o dell'avvocato, "
            "contratto in scadenza, minacce di mandarti via.",
            "Conserva tutte le lettere e il contratto\n"
            "Chiama l'operatore dell'associazione\n"
            "Chiedi subito consulenza allo sportello legale o al sindacato inquilini\n"
            "Prepara i documenti e la borsa d'emergenza\n"
            "Sapere dove dormire stanotte: dormitorio o persona di fiducia",
            "Non restare solo: parlane con qualcuno di cui ti fidi. Una cosa alla volta.",
        ),
        (
            "Eviction or loss of housing",
            "Rent unpaid for two months, letters from the landlord or a lawyer, a contract "
            "about to end, threats to throw you out.",
            "Keep every letter and the contract\n"
            "Call the association's operator\n"
            "Ask the legal aid desk or tenants' union for advice at once\n"
            "Get your documents and go-bag ready\n"
            "Know where to sleep tonight: a shelter or someone you trust",
            "Do not stay alone with it: talk to someone you trust. One thing at a time.",
        ),
    ),
    (
        "income",
        (
            "Perdita del lavoro o del reddito",
            "Ore di lavoro ridotte, stipendio in ritardo, contratto non rinnovato, sussidio "
            "sospeso.",
            "Chiedi per iscritto la lettera di licenziamento o la busta paga\n"
            "Vai al patronato o al sindacato per la disoccupazione (NASpI)\n"
            "Parla con l'operatore per i pacchi alimentari e le bollette\n"
            "Fai l'elenco delle spese che non possono aspettare",
            "Chiedere aiuto non è una colpa. Tieni la routine della giornata.",
        ),
        (
            "Loss of job or income",
            "Fewer working hours, late wages, a contract not renewed, a benefit suspended.",
            "Ask for the dismissal letter or payslip in writing\n"
            "Go to a patronato or union about unemployment benefit (NASpI)\n"
            "Talk to the operator about food parcels and bills\n"
            "List the expenses that cannot wait",
            "Asking for help is not a fault. Keep a daily routine.",
        ),
    ),
    (
        "health",
        (
            "Crisi di salute",
            "Dolore forte, febbre alta che non passa, difficoltà a respirare, farmaci finiti.",
            "Se è grave chiama il 112\n"
            "Chiama il medico di famiglia o la guardia medica (116117)\n"
            "Porta con te la tessera sanitaria e l'elenco dei farmaci\n"
            "Avvisa chi si occupa delle persone che dipendono da te",
            "Tieni sempre una scorta di farmaci per qualche giorno.",
        ),
        (
            "Health crisis",
            "Strong pain, a high fever that does not go, trouble breathing, medicines run out.",
            "If it is serious call 112\n"
            "Call the family doctor or the out-of-hours doctor (116117)\n"
            "Take your health card and the list of your medicines\n"
            "Tell whoever looks after the people who depend on you",
            "Always keep a few days' supply of medicines.",
        ),
    ),
    (
        "mental_health",
        (
            "Crisi di salute mentale",
            "Non dormo, non mangio, penso di farmi del male, mi sento senza speranza, "
            "voglio stare sempre da solo.",
            "Togli di mezzo le cose con cui potresti farti del male\n"
            "Chiama una persona di fiducia della tua lista\n"
            "Chiama il Telefono Amico (02 2327 2327) o, se sei in pericolo, il 112\n"
            "Vai in un posto sicuro dove non sei solo",
            "Respirare piano, camminare, la musica, parlare con qualcuno: scrivi cosa "
            "funziona per te.",
        ),
        (
            "Mental-health crisis",
            "I cannot sleep or eat, I think of hurting myself, I feel hopeless, I want to be "
            "alone all the time.",
            "Put away things you could hurt yourself with\n"
            "Call someone you trust from your list\n"
            "Call Telefono Amico (02 2327 2327) or, if you are in danger, 112\n"
            "Go to a safe place where you are not alone",
            "Slow breathing, a walk, music, talking to someone: write what works for you.",
        ),
    ),
    (
        "violence",
        (
            "Violenza o abuso",
            "Minacce, controllo del telefono o dei soldi, scatti d'ira, gelosia, paura di "
            "tornare a casa.",
            "Se sei in pericolo chiama il 112\n"
            "Chiama il 1522 (antiviolenza, gratuito, 24 ore, in più lingue)\n"
            "Tieni pronti documenti, soldi e chiavi in un posto sicuro o da una persona "
            "di fiducia\n"
            "Concorda una parola in codice con una persona di fiducia\n"
            "Sapere dove andare: un posto sicuro, il centro antiviolenza",
            "Non è colpa tua. Ci sono persone che possono aiutarti senza giudicarti.",
        ),
        (
            "Violence or abuse",
            "Threats, control of your phone or money, outbursts of anger, jealousy, fear of "
            "going home.",
            "If you are in danger call 112\n"
            "Call 1522 (anti-violence, free, 24 hours, in several languages)\n"
            "Keep documents, money and keys ready in a safe place or with someone you trust\n"
            "Agree a code word with someone you trust\n"
            "Know where to go: a safe place, the anti-violence centre",
            "It is not your fault. There are people who can help you without judging.",
        ),
    ),
    (
        "documents",
        (
            "Permesso di soggiorno o documenti in scadenza",
            "Il permesso scade tra meno di 60 giorni, una lettera della Questura, documenti "
            "persi o rubati.",
            "Controlla la data di scadenza del permesso\n"
            "Prendi appuntamento allo sportello immigrazione o al patronato per il rinnovo\n"
            "Prepara passaporto, foto, contratto di lavoro o di casa\n"
            "Conserva la ricevuta della domanda di rinnovo: vale come documento",
            "Chiedi all'operatore di accompagnarti se non sei sicuro.",
        ),
        (
            "Residence permit or documents expiring",
            "The permit expires in less than 60 days, a letter from the Questura, documents "
            "lost or stolen.",
            "Check the expiry date of your permit\n"
            "Book the immigration desk or a patronato for the renewal\n"
            "Get passport, photos, work or housing contract ready\n"
            "Keep the receipt of the renewal application: it counts as a document",
            "Ask the operator to come with you if you are unsure.",
        ),
    ),
    (
        "disaster",
        (
            "Calamità naturale",
            "Allerta meteo arancione o rossa, terremoto, alluvione, ondata di calore, "
            "incendio vicino.",
            "Segui le indicazioni della Protezione Civile e del Comune\n"
            "Prendi la borsa d'emergenza e i documenti\n"
            "Vai all'area di attesa del tuo quartiere\n"
            "Avvisa il tuo contatto fuori zona che stai bene",
            "Tieni il telefono carico e una radio a pile.",
        ),
        (
            "Natural disaster",
            "Orange or red weather warning, earthquake, flood, heat wave, a fire nearby.",
            "Follow the instructions of Protezione Civile and the municipality\n"
            "Take your go-bag and documents\n"
            "Go to your neighbourhood's waiting area\n"
            "Tell your out-of-area contact that you are safe",
            "Keep your phone charged and a battery radio.",
        ),
    ),
]
