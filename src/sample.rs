//! A deterministic generator of realistic audit rows (names from many cultures and scripts, titles
//! built from the catalog's aliases, task mixes that add up to 100) for demos, load tests and
//! fixtures. Every row it writes passes the input rules; row `i` depends only on the seed.

use crate::catalog::{Catalog, Role, Usage};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::collections::HashSet;

const HEADER: [&str; 13] = [
    "audit_id",
    "submitted_at",
    "email",
    "full_name",
    "job_title",
    "role",
    "industry",
    "years_experience",
    "tasks",
    "ai_tools",
    "ai_usage",
    "country",
    "consent_email",
];

/// Writes a header and `rows` generated audit rows as CSV. The same `(rows, seed)` always gives
/// the same bytes, and the first N rows of a larger sample equal a sample of N rows.
pub fn write_sample<W: std::io::Write>(
    catalog: &Catalog,
    rows: usize,
    seed: u64,
    out: W,
) -> csv::Result<()> {
    let mut wtr = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(out);
    wtr.write_record(HEADER)?;
    if rows > 0 && catalog.roles.is_empty() {
        let e = std::io::Error::new(std::io::ErrorKind::InvalidInput, "the catalog has no roles");
        return Err(e.into());
    }
    let mut gen = Generator::new(catalog, seed);
    for i in 0..rows {
        wtr.write_record(gen.row(i))?;
    }
    wtr.flush()?;
    Ok(())
}

/// A name group: names of one culture with the countries (and their UTC offsets in November)
/// people with such names mostly answer from.
struct Group {
    countries: &'static [(&'static str, &'static str)],
    male: &'static [&'static str],
    female: &'static [&'static str],
    /// `masculine|feminine` where the surname inflects, else one form.
    surnames: &'static [&'static str],
    /// Family name written first (Vietnamese, Chinese, Hungarian).
    family_first: bool,
    /// Separator and probability of a double-barrelled surname.
    double: Option<(&'static str, f64)>,
    weight: u32,
}

#[rustfmt::skip]
static GROUPS: &[Group] = &[
    // English
    Group {
        countries: &[("US", "-05:00"), ("US", "-08:00"), ("GB", "+00:00"), ("GB", "+00:00"), ("CA", "-05:00"), ("AU", "+11:00"), ("NZ", "+13:00")],
        male: &["James", "Michael", "David", "Robert", "Christopher", "Daniel", "Matthew", "Andrew", "Thomas", "William", "Benjamin", "Samuel"],
        female: &["Emily", "Sarah", "Jessica", "Olivia", "Hannah", "Charlotte", "Rebecca", "Lauren", "Megan", "Grace", "Abigail", "Eleanor"],
        surnames: &["Smith", "Johnson", "Williams", "Brown", "Taylor", "Anderson", "Thompson", "Harris", "Clarke", "Robinson", "Walker", "Wright", "Hughes", "Featherstonehaugh-Cholmondeley", "Bowes-Lyon", "Montagu-Douglas-Scott"],
        family_first: false,
        double: Some(("-", 0.05)),
        weight: 10,
    },
    // Irish
    Group {
        countries: &[("IE", "+00:00")],
        male: &["Seán", "Pádraig", "Ciarán", "Oisín", "Cathal", "Darragh", "Eoin"],
        female: &["Siobhán", "Aoife", "Niamh", "Saoirse", "Caoimhe", "Róisín", "Aisling"],
        surnames: &["Ó Súilleabháin|Ní Shúilleabháin", "Ó Briain|Ní Bhriain", "Mac Carthaigh|Nic Carthaigh", "Ó Ceallaigh|Ní Cheallaigh", "O'Brien", "O'Sullivan", "Murphy", "Kelly", "Byrne", "Fitzgerald", "MacNamara"],
        family_first: false,
        double: None,
        weight: 3,
    },
    // Spanish
    Group {
        countries: &[("ES", "+01:00"), ("ES", "+01:00"), ("MX", "-06:00"), ("AR", "-03:00"), ("CO", "-05:00"), ("CL", "-03:00")],
        male: &["José", "Javier", "Alejandro", "Pablo", "Andrés", "Sergio", "Álvaro", "Rubén", "José Luis"],
        female: &["María", "Lucía", "Sofía", "Carmen", "Inés", "Beatriz", "Marta", "Mónica", "María José"],
        surnames: &["García", "Fernández", "González", "Rodríguez", "López", "Martínez", "Sánchez", "Pérez", "Gómez", "Muñoz", "Jiménez", "Ibáñez", "Núñez", "de la Fuente"],
        family_first: false,
        double: Some((" ", 0.45)),
        weight: 6,
    },
    // Portuguese and Brazilian
    Group {
        countries: &[("PT", "+00:00"), ("BR", "-03:00"), ("BR", "-03:00")],
        male: &["João", "José", "António", "Luís", "Gonçalo", "Tiago", "Rafael", "Thiago", "Sebastião"],
        female: &["Maria da Conceição", "Ana", "Beatriz", "Inês", "Mariana", "Letícia", "Conceição", "Fernanda", "Gabriela"],
        surnames: &["Silva", "Santos", "Ferreira", "Pereira", "Oliveira", "Conceição", "Gonçalves", "Magalhães", "Araújo", "Simões", "Brandão", "da Silva", "de Albuquerque e Castro"],
        family_first: false,
        double: Some((" ", 0.4)),
        weight: 6,
    },
    // French
    Group {
        countries: &[("FR", "+01:00"), ("FR", "+01:00"), ("BE", "+01:00"), ("CH", "+01:00"), ("CA", "-05:00")],
        male: &["François", "Jérôme", "Sébastien", "Théo", "Benoît", "Étienne", "Loïc", "Hervé", "Jean-Baptiste"],
        female: &["Amélie", "Chloé", "Élodie", "Hélène", "Cécile", "Maëlle", "Zoé", "Anaïs", "Marie-Noëlle"],
        surnames: &["Dubois", "Lefèvre", "Moreau", "Girard", "Bérenger", "Rousseau", "Fournier", "Mercier", "Lemaître", "Duchêne", "Faure", "Leroy"],
        family_first: false,
        double: Some(("-", 0.05)),
        weight: 5,
    },
    // German
    Group {
        countries: &[("DE", "+01:00"), ("DE", "+01:00"), ("DE", "+01:00"), ("AT", "+01:00"), ("CH", "+01:00")],
        male: &["Jürgen", "Lukas", "Maximilian", "Stefan", "Jörg", "Matthias", "Tobias", "Björn", "Hans-Peter"],
        female: &["Sophie", "Lena", "Anja", "Käthe", "Ursula", "Franziska", "Annegret", "Hannelore", "Jördis"],
        surnames: &["Müller", "Schmidt", "Schneider", "Fischer", "Weiß", "Groß", "Köhler", "Schröder", "Becker", "Hoffmann", "Krüger", "Müller-Lüdenscheidt", "von Hohenzollern-Sigmaringen"],
        family_first: false,
        double: Some(("-", 0.05)),
        weight: 6,
    },
    // Italian
    Group {
        countries: &[("IT", "+01:00"), ("IT", "+01:00"), ("CH", "+01:00")],
        male: &["Giuseppe", "Niccolò", "Francesco", "Lorenzo", "Matteo", "Gianluca"],
        female: &["Giulia", "Chiara", "Francesca", "Martina", "Federica", "Benedetta"],
        surnames: &["Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "De Luca", "D'Angelo", "Colombo", "Ricci"],
        family_first: false,
        double: None,
        weight: 4,
    },
    // Polish
    Group {
        countries: &[("PL", "+01:00")],
        male: &["Łukasz", "Paweł", "Krzysztof", "Grzegorz", "Michał", "Wojciech", "Tomasz", "Jędrzej", "Maciej"],
        female: &["Małgorzata", "Agnieszka", "Katarzyna", "Joanna", "Żaneta", "Urszula", "Jadwiga", "Zofia", "Jolanta"],
        surnames: &["Wójcik", "Kowalski|Kowalska", "Nowak", "Żółkiewski|Żółkiewska", "Wiśniewski|Wiśniewska", "Dąbrowski|Dąbrowska", "Lewandowski|Lewandowska", "Szymański|Szymańska", "Woźniak", "Kozłowski|Kozłowska", "Jankowski|Jankowska", "Mazur", "Krawczyk", "Grabowski|Grabowska", "Zieliński|Zielińska"],
        family_first: false,
        double: Some(("-", 0.04)),
        weight: 6,
    },
    // Czech and Slovak
    Group {
        countries: &[("CZ", "+01:00"), ("CZ", "+01:00"), ("SK", "+01:00")],
        male: &["Jiří", "Tomáš", "Petr", "Jan", "Ondřej", "Lukáš", "Vojtěch", "Miroslav"],
        female: &["Jana", "Tereza", "Kateřina", "Lucie", "Zuzana", "Markéta", "Hana", "Veronika"],
        surnames: &["Novák|Nováková", "Svoboda|Svobodová", "Dvořák|Dvořáková", "Černý|Černá", "Procházka|Procházková", "Kučera|Kučerová", "Veselý|Veselá", "Horák|Horáková", "Němec|Němcová", "Růžička|Růžičková"],
        family_first: false,
        double: None,
        weight: 3,
    },
    // Hungarian
    Group {
        countries: &[("HU", "+01:00")],
        male: &["László", "Gábor", "Zoltán", "Péter", "Bence", "Ákos"],
        female: &["Zsófia", "Erzsébet", "Katalin", "Réka", "Dóra", "Enikő"],
        surnames: &["Nagy", "Kovács", "Tóth", "Szabó", "Horváth", "Varga", "Kiss", "Szűcs", "Lőrincz"],
        family_first: true,
        double: None,
        weight: 2,
    },
    // Turkish
    Group {
        countries: &[("TR", "+03:00")],
        male: &["Mehmet", "Mustafa", "Ahmet", "Emre", "Burak", "Oğuz", "Çağlar", "İsmail"],
        female: &["Ayşe", "Fatma", "Zeynep", "Elif", "Gülşen", "Şule", "Özlem", "Büşra"],
        surnames: &["Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Yıldız", "Öztürk", "Aydın", "Arslan", "Doğan", "Kılıç", "Çetin"],
        family_first: false,
        double: None,
        weight: 4,
    },
    // Vietnamese
    Group {
        countries: &[("VN", "+07:00")],
        male: &["Văn Đức", "Minh Tuấn", "Quốc Bảo", "Đình Khôi", "Hữu Phước", "Thành Long", "Công Vinh", "Đức Thắng"],
        female: &["Thị Hồng Nhung", "Thu Hằng", "Ngọc Ánh", "Thị Mỹ Duyên", "Phương Thảo", "Thanh Hương", "Bảo Ngọc", "Thị Thanh Trúc"],
        surnames: &["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương"],
        family_first: true,
        double: None,
        weight: 5,
    },
    // Greek
    Group {
        countries: &[("GR", "+02:00"), ("GR", "+02:00"), ("CY", "+02:00")],
        male: &["Γιώργος", "Δημήτρης", "Νίκος", "Κωνσταντίνος", "Γιάννης", "Παναγιώτης", "Χρήστος", "Θανάσης"],
        female: &["Μαρία", "Ελένη", "Κατερίνα", "Σοφία", "Δέσποινα", "Αθηνά", "Βασιλική", "Ευαγγελία"],
        surnames: &["Παπαδόπουλος|Παπαδοπούλου", "Παπαδάκης|Παπαδάκη", "Γεωργίου", "Οικονόμου", "Νικολάου", "Καραγιάννης|Καραγιάννη", "Βλάχος|Βλάχου", "Αντωνίου", "Μακρής|Μακρή", "Κωνσταντινίδης|Κωνσταντινίδου", "Αλεξίου", "Σταματόπουλος|Σταματοπούλου"],
        family_first: false,
        double: None,
        weight: 4,
    },
    // Russian
    Group {
        countries: &[("RU", "+03:00")],
        male: &["Алексей", "Дмитрий", "Сергей", "Андрей", "Михаил", "Иван", "Никита", "Артём"],
        female: &["Анна", "Екатерина", "Мария", "Ольга", "Наталья", "Татьяна", "Юлия", "Ксения"],
        surnames: &["Смирнов|Смирнова", "Иванов|Иванова", "Кузнецов|Кузнецова", "Попов|Попова", "Соколов|Соколова", "Лебедев|Лебедева", "Морозов|Морозова", "Волков|Волкова", "Фёдоров|Фёдорова", "Соловьёв|Соловьёва"],
        family_first: false,
        double: None,
        weight: 4,
    },
    // Ukrainian
    Group {
        countries: &[("UA", "+02:00")],
        male: &["Олександр", "Андрій", "Тарас", "Богдан", "Дмитро", "Юрій", "Остап", "Василь"],
        female: &["Оксана", "Олена", "Ірина", "Наталія", "Христина", "Ганна", "Соломія", "Мар'яна"],
        surnames: &["Коваленко", "Шевченко", "Бондаренко", "Ткаченко", "Кравченко", "Мельник", "Петренко", "Бойко", "Коваль", "Гнатюк", "Лисенко", "Яремчук"],
        family_first: false,
        double: None,
        weight: 4,
    },
    // Nordic
    Group {
        countries: &[("SE", "+01:00"), ("SE", "+01:00"), ("NO", "+01:00"), ("DK", "+01:00"), ("FI", "+02:00")],
        male: &["Anders", "Björn", "Lars", "Søren", "Mikael", "Øyvind", "Henrik", "Jørgen"],
        female: &["Åsa", "Ingrid", "Linnéa", "Märta", "Sofie", "Karin", "Astrid", "Ylva"],
        surnames: &["Lindström", "Johansson", "Andersson", "Nilsson", "Bergström", "Ødegård", "Sørensen", "Åkesson", "Løvås", "Hansen", "Ekström", "Öberg"],
        family_first: false,
        double: None,
        weight: 4,
    },
    // Indian
    Group {
        countries: &[("IN", "+05:30")],
        male: &["Arjun", "Rahul", "Vikram", "Aditya", "Sanjay", "Karthik", "Rohan", "Venkatesh"],
        female: &["Priya", "Ananya", "Deepika", "Kavya", "Lakshmi", "Sneha", "Aishwarya", "Meera"],
        surnames: &["Sharma", "Patel", "Reddy", "Iyer", "Gupta", "Nair", "Singh", "Kumar", "Chatterjee", "Banerjee", "Menon", "Subramanian", "Deshpande", "Krishnamurthy", "Venkataraman"],
        family_first: false,
        double: Some(("-", 0.03)),
        weight: 8,
    },
    // Nigerian
    Group {
        countries: &[("NG", "+01:00")],
        male: &["Chukwuemeka", "Oluwaseun", "Adebayo", "Emeka", "Olumide", "Babatunde", "Ikenna", "Ọlájídé"],
        female: &["Ngozi", "Chiamaka", "Funmilayo", "Adaeze", "Oluwakemi", "Folake", "Nneka", "Adéọlá"],
        surnames: &["Okafor", "Adeyemi", "Okonkwo", "Balogun", "Eze", "Nwosu", "Ogunleye", "Obi", "Akinola", "Chukwu", "Ogundipe", "Ọládiípọ̀"],
        family_first: false,
        double: None,
        weight: 5,
    },
    // Japanese (Latin transliteration, given name first)
    Group {
        countries: &[("JP", "+09:00")],
        male: &["Haruto", "Takeshi", "Kenji", "Hiroshi", "Yūki", "Ryō", "Daisuke", "Shōta"],
        female: &["Yuki", "Sakura", "Aiko", "Haruka", "Emi", "Naomi", "Mei", "Yōko"],
        surnames: &["Satō", "Suzuki", "Takahashi", "Tanaka", "Watanabe", "Itō", "Yamamoto", "Nakamura", "Kobayashi", "Katō", "Yoshida", "Yamada"],
        family_first: false,
        double: None,
        weight: 4,
    },
    // Chinese (pinyin, family name first)
    Group {
        countries: &[("CN", "+08:00"), ("CN", "+08:00"), ("TW", "+08:00"), ("SG", "+08:00")],
        male: &["Wei", "Jun", "Hao", "Yang", "Zhiwei", "Jianguo", "Haoran", "Zihan"],
        female: &["Fang", "Xiuying", "Li Na", "Meilin", "Xiaomei", "Yufei", "Jing", "Lǜxin"],
        surnames: &["Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Huang", "Zhao", "Wu", "Zhou", "Xu", "Sun", "Lü", "Ouyang", "Sima"],
        family_first: true,
        double: None,
        weight: 5,
    },
    // Arabic (Latin transliteration)
    Group {
        countries: &[("EG", "+02:00"), ("EG", "+02:00"), ("SA", "+03:00"), ("AE", "+04:00"), ("JO", "+03:00"), ("MA", "+01:00"), ("LB", "+02:00")],
        male: &["Mohamed", "Ahmed", "Omar", "Youssef", "Khaled", "Tariq", "Karim", "Hassan"],
        female: &["Fatima", "Aisha", "Layla", "Nour", "Mariam", "Yasmin", "Salma", "Rania"],
        surnames: &["El-Sayed", "Abdel-Rahman", "Al-Farsi", "Haddad", "Mansour", "Khalil", "Nasser", "Hamdan", "Saleh", "El-Masri", "Al-Hashimi", "Abu-Ghazaleh"],
        family_first: false,
        double: None,
        weight: 5,
    },
];

/// Countries people answer from when they live away from where their name comes from.
const DIASPORA: &[(&str, &str)] = &[
    ("US", "-05:00"),
    ("GB", "+00:00"),
    ("DE", "+01:00"),
    ("CA", "-05:00"),
    ("AU", "+11:00"),
    ("NL", "+01:00"),
    ("IE", "+00:00"),
    ("AE", "+04:00"),
    ("SG", "+08:00"),
];

const DOMAINS: &[&str] = &[
    "example.com",
    "example.org",
    "example.net",
    "mail.example.net",
    "mail.example.com",
    "inbox.example.org",
    "corp.example.com",
    "eu.example.net",
    "acme.test",
    "globex-corp.test",
    "initech.test",
];

/// Title prefixes by seniority tier, with the years of experience that go with them.
const TIERS: &[(&[&str], f64, f64, u32)] = &[
    (
        &["Junior", "Jr.", "Associate", "Graduate", "Trainee"],
        0.0,
        3.0,
        15,
    ),
    (&["", "", "", "Mid-level", "Intermediate"], 1.0, 10.0, 35),
    (&["Senior", "Sr.", "Senior", "Sr"], 5.0, 18.0, 30),
    (&["Lead", "Team Lead", "Lead"], 7.0, 25.0, 12),
    (&["Staff", "Principal", "Distinguished"], 10.0, 35.0, 8),
];

const SUFFIXES: &[&str] = &[
    " (Remote)",
    " (Contract)",
    " II",
    " III",
    ", EMEA",
    " \u{2013} Payments",
    " (Hybrid)",
    ", Platform team",
];

/// Words written in capitals (or a fixed spelling) when a title is title-cased.
const SPELLINGS: &[(&str, &str)] = &[
    ("api", "API"),
    ("qa", "QA"),
    ("ux", "UX"),
    ("ui", "UI"),
    ("ui/ux", "UI/UX"),
    ("sre", "SRE"),
    ("it", "IT"),
    ("dba", "DBA"),
    ("sql", "SQL"),
    ("ml", "ML"),
    ("ai", "AI"),
    ("bi", "BI"),
    ("soc", "SOC"),
    ("sdet", "SDET"),
    ("php", "PHP"),
    ("ios", "iOS"),
    ("c#", "C#"),
    (".net", ".NET"),
    ("devops", "DevOps"),
    ("node.js", "Node.js"),
    ("nodejs", "NodeJS"),
    ("javascript", "JavaScript"),
    ("typescript", "TypeScript"),
    ("ux/ui", "UX/UI"),
    ("mlops", "MLOps"),
    ("nlp", "NLP"),
    ("html", "HTML"),
    ("css", "CSS"),
    ("grc", "GRC"),
    ("vp", "VP"),
    ("lamp", "LAMP"),
    ("mern", "MERN"),
    ("mean", "MEAN"),
    ("nextjs", "NextJS"),
    ("next.js", "Next.js"),
    ("vue.js", "Vue.js"),
    ("swiftui", "SwiftUI"),
    ("postgresql", "PostgreSQL"),
    ("mysql", "MySQL"),
    ("infosec", "InfoSec"),
    ("maui", "MAUI"),
    ("of", "of"),
    ("in", "in"),
    ("on", "on"),
    ("and", "and"),
    ("for", "for"),
];

/// Words that already say how senior a title is, with the tier they mean: such a title gets no
/// seniority prefix, and the years go with the word.
const RANKS: &[(&str, usize)] = &[
    ("intern", 0),
    ("junior", 0),
    ("associate", 0),
    ("senior", 2),
    ("lead", 3),
    ("staff", 4),
    ("principal", 4),
    ("head", 4),
    ("director", 4),
    ("vp", 4),
    ("chief", 4),
    ("officer", 4),
];

/// Job-title phrases of one role that `match_title` maps back to it.
struct RoleTitles<'c> {
    role: &'c Role,
    /// Title-cased aliases that match the role on their own.
    bases: Vec<String>,
}

struct Generator<'c> {
    catalog: &'c Catalog,
    rng: ChaCha8Rng,
    roles: Vec<RoleTitles<'c>>,
    emails: HashSet<String>,
    group_total: u32,
    tier_total: u32,
}

impl<'c> Generator<'c> {
    fn new(catalog: &'c Catalog, seed: u64) -> Generator<'c> {
        let roles = catalog
            .roles
            .iter()
            .map(|role| {
                let mut bases: Vec<String> = Vec::new();
                let name = role.name.to_lowercase();
                for alias in role.aliases.iter().chain(std::iter::once(&name)) {
                    let t = title_case(alias);
                    if catalog.match_title(&t).is_some_and(|r| r.key == role.key)
                        && !bases.contains(&t)
                    {
                        bases.push(t);
                    }
                }
                RoleTitles { role, bases }
            })
            .collect();
        Generator {
            catalog,
            rng: ChaCha8Rng::seed_from_u64(seed),
            roles,
            emails: HashSet::new(),
            group_total: GROUPS.iter().map(|g| g.weight).sum(),
            tier_total: TIERS.iter().map(|t| t.3).sum(),
        }
    }

    fn row(&mut self, i: usize) -> [String; 13] {
        let audit_id = format!("a-2026-11-{:05}", i + 1);

        let group = self.group();
        let (full_name, given, family) = self.name(group);
        let country = self.country(group);
        let submitted_at = self.timestamp(country.map(|c| c.1));
        let email = self.email(i, &given, &family, group.family_first);

        let role_idx = self.rng.gen_range(0..self.roles.len());
        let tier = self.tier();
        let (job_title, role_cell, tier) = self.title(role_idx, tier);
        let role = self.roles[role_idx].role;
        let years = self.years(role, tier);
        let industry = self.industry();
        let tasks = self.tasks(role);
        let (ai_tools, ai_usage) = self.tools(role);
        let consent = self.consent();

        [
            audit_id,
            submitted_at,
            email,
            full_name,
            job_title,
            role_cell,
            industry,
            years,
            tasks,
            ai_tools,
            ai_usage,
            country.map(|c| c.0.to_string()).unwrap_or_default(),
            consent.to_string(),
        ]
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.rng.gen_range(0..items.len())]
    }

    fn group(&mut self) -> &'static Group {
        let mut n = self.rng.gen_range(0..self.group_total);
        for g in GROUPS {
            if n < g.weight {
                return g;
            }
            n -= g.weight;
        }
        &GROUPS[0]
    }

    /// Full name, the given-name part and the family-name part.
    fn name(&mut self, g: &'static Group) -> (String, String, String) {
        let female = self.rng.gen_bool(0.5);
        let mut given = self
            .pick(if female { g.female } else { g.male })
            .to_string();
        let form = |entry: &str| -> String {
            match entry.split_once('|') {
                Some((m, f)) => if female { f } else { m }.to_string(),
                None => entry.to_string(),
            }
        };
        let first = *self.pick(g.surnames);
        let mut family = form(first);
        if let Some((sep, p)) = g.double {
            if self.rng.gen_bool(p) {
                let second = *self.pick(g.surnames);
                if second != first {
                    family = format!("{family}{sep}{}", form(second));
                }
            }
        }
        // A middle initial now and then, as English-speaking forms often get.
        if std::ptr::eq(g, &GROUPS[0]) && self.rng.gen_bool(0.1) {
            let initial = (b'A' + self.rng.gen_range(0..26u8)) as char;
            given = format!("{given} {initial}.");
        }
        let full = if g.family_first {
            format!("{family} {given}")
        } else {
            format!("{given} {family}")
        };
        (full, given, family)
    }

    fn country(&mut self, g: &'static Group) -> Option<(&'static str, &'static str)> {
        let r: f64 = self.rng.gen();
        if r < 0.08 {
            None
        } else if r < 0.16 {
            Some(*self.pick(DIASPORA))
        } else {
            Some(*self.pick(g.countries))
        }
    }

    /// A time between 2026-11-01 and 2026-11-23, mostly in UTC, sometimes with the local offset.
    fn timestamp(&mut self, offset: Option<&str>) -> String {
        let day = self.rng.gen_range(1..=23);
        let hour = if self.rng.gen_bool(0.7) {
            self.rng.gen_range(8..=18)
        } else {
            self.rng.gen_range(0..=23)
        };
        let minute = self.rng.gen_range(0..60);
        let second = self.rng.gen_range(0..60);
        let local = self.rng.gen_bool(0.3);
        let zone = match offset {
            Some(o) if local && o != "+00:00" => o,
            _ => "Z",
        };
        format!("2026-11-{day:02}T{hour:02}:{minute:02}:{second:02}{zone}")
    }

    fn email(&mut self, i: usize, given: &str, family: &str, family_first: bool) -> String {
        let g = ascii_words(given);
        let f = ascii_words(family).concat();
        let first = if family_first { g.last() } else { g.first() }
            .cloned()
            .unwrap_or_else(|| "user".into());
        let last = if f.is_empty() { "mail".to_string() } else { f };
        let local = match self.rng.gen_range(0..8) {
            0 | 1 => format!("{first}.{last}"),
            2 => format!("{first}{last}"),
            3 => format!("{}.{last}", &first[..1]),
            4 => format!("{first}_{last}"),
            5 => format!("{last}.{first}"),
            6 => format!("{first}{}", self.rng.gen_range(10..100)),
            _ => format!("{first}.{last}{}", self.rng.gen_range(1..10)),
        };
        let mut local: String = local.chars().take(40).collect();
        while local.ends_with(['.', '_', '-']) {
            local.pop();
        }
        let domain = self.pick(DOMAINS);
        let mut email = format!("{local}@{domain}");
        if self.emails.contains(&email) {
            email = format!("{local}.{}@{domain}", i + 1);
        }
        self.emails.insert(email.clone());
        email
    }

    fn tier(&mut self) -> usize {
        let mut n = self.rng.gen_range(0..self.tier_total);
        for (i, t) in TIERS.iter().enumerate() {
            if n < t.3 {
                return i;
            }
            n -= t.3;
        }
        1
    }

    /// The job title as typed, the role cell (sometimes the key, sometimes empty so the title has
    /// to be matched: only ever left empty when the title does match the role) and the tier, which
    /// a title that names its own rank ("Head of Product") overrides.
    fn title(&mut self, role_idx: usize, tier: usize) -> (String, String, usize) {
        let rt = &self.roles[role_idx];
        let role = rt.role;
        let bases = rt.bases.clone();
        let fill_role = bases.is_empty() || self.rng.gen_bool(0.4);
        let base = if bases.is_empty() {
            role.name.clone()
        } else {
            self.pick(&bases).clone()
        };
        let prefix = *self.pick(TIERS[tier].0);
        let rank = base.split_whitespace().find_map(|w| {
            let w = w.to_lowercase();
            RANKS.iter().find(|(r, _)| *r == w).map(|(_, t)| *t)
        });
        let (prefix, tier) = match rank {
            Some(t) => ("", t),
            None => (prefix, tier),
        };
        let mut title = if prefix.is_empty() {
            base.clone()
        } else {
            format!("{prefix} {base}")
        };
        if self.rng.gen_bool(0.1) {
            let suffix = *self.pick(SUFFIXES);
            title.push_str(suffix);
        }
        let r: f64 = self.rng.gen();
        if r < 0.1 {
            title = title.to_lowercase();
        } else if r < 0.14 {
            title = title.to_uppercase();
        }
        if fill_role {
            return (title, role.key.clone(), tier);
        }
        let matches = |t: &str| {
            self.catalog
                .match_title(t)
                .is_some_and(|r| r.key == role.key)
        };
        if matches(&title) {
            (title, String::new(), tier)
        } else {
            // `base` was checked when the generator was built.
            (base, String::new(), tier)
        }
    }

    fn years(&mut self, role: &Role, tier: usize) -> String {
        let (_, lo, hi, _) = TIERS[tier];
        let (lo, hi) = if tier == 1 {
            let t = role.typical_years;
            ((t - 4.0).max(lo), (t + 4.0).max(lo + 2.0))
        } else {
            (lo, hi)
        };
        let mut y = if self.rng.gen_bool(0.03) {
            self.rng.gen_range(lo..=40.0)
        } else {
            self.rng.gen_range(lo..=hi)
        };
        y = y.clamp(0.0, 40.0).floor();
        if y < 40.0 && self.rng.gen_bool(0.15) {
            let tenth = if self.rng.gen_bool(0.6) {
                5
            } else {
                self.rng.gen_range(1..10)
            };
            format!("{y:.0}.{tenth}")
        } else {
            format!("{y:.0}")
        }
    }

    fn industry(&mut self) -> String {
        let has_tech = self.catalog.industry("technology").is_some();
        let others: Vec<&str> = self
            .catalog
            .industries
            .iter()
            .map(|i| i.key.as_str())
            .filter(|k| *k != "technology")
            .collect();
        let r: f64 = self.rng.gen();
        if r < 0.03 || (others.is_empty() && !has_tech) {
            String::new()
        } else if (r < 0.7 && has_tech) || others.is_empty() {
            "technology".into()
        } else {
            self.pick(&others).to_string()
        }
    }

    /// `key=percent;…` over 1 to all of the role's tasks, integer percents adding up to exactly 100.
    fn tasks(&mut self, role: &Role) -> String {
        let n = role.tasks.len().min(100);
        if n == 0 {
            return String::new();
        }
        let r: f64 = self.rng.gen();
        let k = if r < 0.05 {
            1
        } else if r < 0.12 && n <= 20 {
            n
        } else {
            let lo = 3.min(n);
            self.rng.gen_range(lo..=10.min(n).max(lo))
        };
        let mut chosen: Vec<usize> = rand::seq::index::sample(&mut self.rng, n, k).into_vec();
        if self.rng.gen_bool(0.5) {
            chosen.sort_unstable();
        }
        let weights: Vec<f64> = chosen
            .iter()
            .map(|&t| role.tasks[t].typical_share.max(1.0) * self.rng.gen_range(0.3..1.7))
            .collect();
        let unit = if k * 5 <= 100 && self.rng.gen_bool(0.5) {
            5
        } else {
            1
        };
        let percents = split_100(&weights, unit);
        chosen
            .iter()
            .zip(percents)
            .map(|(&t, p)| format!("{}={p}", role.tasks[t].key))
            .collect::<Vec<_>>()
            .join(";")
    }

    /// `ai_tools` and `ai_usage`: usage around the role's typical level, tools mostly the role's own.
    fn tools(&mut self, role: &Role) -> (String, String) {
        let r: f64 = self.rng.gen();
        let shift = if r < 0.07 {
            -2
        } else if r < 0.27 {
            -1
        } else if r < 0.72 {
            0
        } else if r < 0.95 {
            1
        } else {
            2
        };
        let level = (role.typical_usage.level() + shift).clamp(0, 3);
        let usage = Usage::ALL[level as usize];
        let count = match usage {
            Usage::Never => usize::from(self.rng.gen_bool(0.08)),
            Usage::Monthly => self
                .rng
                .gen_range(0..=2)
                .max(usize::from(self.rng.gen_bool(0.9))),
            Usage::Weekly => self.rng.gen_range(1..=3),
            Usage::Daily => self.rng.gen_range(1..=4),
        };
        let own: Vec<&str> = role
            .tools
            .iter()
            .map(|t| t.key.as_str())
            .filter(|k| self.catalog.tool(k).is_some())
            .collect();
        let all: Vec<&str> = self.catalog.tools.iter().map(|t| t.key.as_str()).collect();
        let mut picked: Vec<&str> = Vec::new();
        let mut attempts = 0;
        while picked.len() < count.min(all.len()) && attempts < 50 {
            attempts += 1;
            let from = if !own.is_empty() && self.rng.gen_bool(0.8) {
                &own
            } else {
                &all
            };
            let t = *self.pick(from);
            if !picked.contains(&t) {
                picked.push(t);
            }
        }
        picked.shuffle(&mut self.rng);
        let usage_cell = if usage == Usage::Never && picked.is_empty() && self.rng.gen_bool(0.1) {
            String::new()
        } else {
            usage.key().to_string()
        };
        (picked.join(";"), usage_cell)
    }

    fn consent(&mut self) -> &'static str {
        let r: f64 = self.rng.gen();
        if r < 0.75 {
            "true"
        } else if r < 0.8 {
            "yes"
        } else if r < 0.96 {
            "false"
        } else {
            "no"
        }
    }
}

/// Splits 100 in proportion to `weights`, in multiples of `unit` (which must divide 100), giving
/// every entry at least one unit; the largest remainders get the leftover units.
fn split_100(weights: &[f64], unit: u32) -> Vec<u32> {
    let units = 100 / unit;
    let k = weights.len() as u32;
    let spare = units.saturating_sub(k);
    let total: f64 = weights.iter().sum();
    let exact: Vec<f64> = weights
        .iter()
        .map(|w| w / total * f64::from(spare))
        .collect();
    let mut shares: Vec<u32> = exact.iter().map(|e| 1 + e.floor() as u32).collect();
    let given: u32 = shares.iter().sum();
    let mut order: Vec<usize> = (0..weights.len()).collect();
    order.sort_by(|&a, &b| {
        (exact[b] - exact[b].floor())
            .total_cmp(&(exact[a] - exact[a].floor()))
            .then(a.cmp(&b))
    });
    for &i in order
        .iter()
        .cycle()
        .take(units.saturating_sub(given) as usize)
    {
        shares[i] += 1;
    }
    shares.into_iter().map(|s| s * unit).collect()
}

/// Title-cases an alias, keeping the usual spelling of acronyms ("api developer" → "API Developer").
fn title_case(alias: &str) -> String {
    alias
        .split_whitespace()
        .map(|w| match SPELLINGS.iter().find(|(k, _)| *k == w) {
            Some((_, s)) => s.to_string(),
            None => {
                let mut c = w.chars();
                match c.next() {
                    Some(f) => f.to_uppercase().chain(c).collect(),
                    None => String::new(),
                }
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Latin letters with diacritics, Cyrillic and Greek, each to a fixed ASCII spelling.
const TRANSLIT: &[(&str, &str)] = &[
    ("àáâãäåāăąạảấầẩẫậắằẳẵặǎ", "a"),
    ("æ", "ae"),
    ("çćĉċč", "c"),
    ("ďđð", "d"),
    ("èéêëēĕėęěẹẻẽếềểễệ", "e"),
    ("ĝğġģ", "g"),
    ("ĥħ", "h"),
    ("ìíîïĩīĭįıỉị", "i"),
    ("ĵ", "j"),
    ("ķ", "k"),
    ("ĺļľŀł", "l"),
    ("ñńņňŉ", "n"),
    ("òóôõöøōŏőơọỏốồổỗộớờởỡợ", "o"),
    ("œ", "oe"),
    ("ŕŗř", "r"),
    ("śŝşšșṣ", "s"),
    ("ß", "ss"),
    ("ţťŧț", "t"),
    ("ùúûüũūŭůűųưụủứừửữựǔǖǘǚǜ", "u"),
    ("ýÿŷỳỵỷỹ", "y"),
    ("źżž", "z"),
    ("þ", "th"),
    ("а", "a"),
    ("б", "b"),
    ("в", "v"),
    ("гґ", "g"),
    ("д", "d"),
    ("е", "e"),
    ("ё", "yo"),
    ("є", "ye"),
    ("ж", "zh"),
    ("з", "z"),
    ("иі", "i"),
    ("ї", "yi"),
    ("й", "y"),
    ("к", "k"),
    ("л", "l"),
    ("м", "m"),
    ("н", "n"),
    ("о", "o"),
    ("п", "p"),
    ("р", "r"),
    ("с", "s"),
    ("т", "t"),
    ("у", "u"),
    ("ф", "f"),
    ("х", "kh"),
    ("ц", "ts"),
    ("ч", "ch"),
    ("ш", "sh"),
    ("щ", "shch"),
    ("ъь", ""),
    ("ы", "y"),
    ("э", "e"),
    ("ю", "yu"),
    ("я", "ya"),
    ("αά", "a"),
    ("β", "v"),
    ("γ", "g"),
    ("δ", "d"),
    ("εέ", "e"),
    ("ζ", "z"),
    ("ηή", "i"),
    ("θ", "th"),
    ("ιίϊΐ", "i"),
    ("κ", "k"),
    ("λ", "l"),
    ("μ", "m"),
    ("ν", "n"),
    ("ξ", "x"),
    ("οό", "o"),
    ("π", "p"),
    ("ρ", "r"),
    ("σς", "s"),
    ("τ", "t"),
    ("υύϋΰ", "y"),
    ("φ", "f"),
    ("χ", "ch"),
    ("ψ", "ps"),
    ("ωώ", "o"),
];

/// A name as lower-case ASCII words: diacritics dropped, Greek and Cyrillic transliterated,
/// apostrophes joined ("O'Brien" → "obrien"), any other punctuation splitting words.
fn ascii_words(name: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut prev = ' ';
    for c in name.chars().flat_map(char::to_lowercase) {
        if ('\u{300}'..='\u{36f}').contains(&c) {
            continue;
        }
        if c.is_ascii_alphanumeric() {
            cur.push(c);
        } else if matches!(c, 'υ' | 'ύ') && matches!(prev, 'ο' | 'ό') {
            cur.push('u');
        } else if matches!(c, 'υ' | 'ύ') && matches!(prev, 'α' | 'ά' | 'ε' | 'έ') {
            cur.push('v');
        } else if let Some((_, rep)) = TRANSLIT.iter().find(|(set, _)| set.contains(c)) {
            cur.push_str(rep);
        } else if c == '\'' || c == '\u{2019}' || c.is_alphabetic() {
            // joined (apostrophe) or a letter without a spelling: left out
        } else if !cur.is_empty() {
            words.push(std::mem::take(&mut cur));
        }
        prev = c;
    }
    if !cur.is_empty() {
        words.push(cur);
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    fn sample(rows: usize, seed: u64) -> Vec<u8> {
        let mut out = Vec::new();
        write_sample(&Catalog::builtin(), rows, seed, &mut out).unwrap();
        out
    }

    fn records(bytes: &[u8]) -> Vec<csv::StringRecord> {
        csv::Reader::from_reader(bytes)
            .records()
            .map(Result::unwrap)
            .collect()
    }

    #[test]
    fn same_seed_same_bytes_and_prefix_property() {
        let big = sample(300, 7);
        assert_eq!(big, sample(300, 7));
        assert_ne!(big, sample(300, 8));
        let small = sample(120, 7);
        assert!(
            big.starts_with(&small),
            "the first rows of a larger sample must equal a smaller one"
        );
        assert_eq!(records(&big).len(), 300);
        assert_eq!(sample(0, 7), format!("{}\n", HEADER.join(",")).into_bytes());
    }

    #[test]
    fn every_row_passes_validation_and_all_roles_appear() {
        let catalog = Catalog::builtin();
        for (rows, seed) in [(2000, 42), (400, 1), (400, 2026)] {
            let mut file = tempfile::NamedTempFile::new().unwrap();
            write_sample(&catalog, rows, seed, file.as_file_mut()).unwrap();
            let reader = crate::input::open(file.path(), &catalog).unwrap();
            assert!(reader.warnings.is_empty(), "{:?}", reader.warnings);
            let (mut ok, mut rejects) = (Vec::new(), Vec::new());
            for item in reader {
                match item {
                    Ok(a) => ok.push(a),
                    Err(r) => rejects.push(r),
                }
            }
            assert!(
                rejects.is_empty(),
                "seed {seed}: {} rejects, first: {:?}",
                rejects.len(),
                &rejects[..rejects.len().min(5)]
            );
            assert_eq!(ok.len(), rows);
            if rows >= 2000 {
                let roles: BTreeSet<&str> = ok.iter().map(|a| a.role.as_str()).collect();
                assert_eq!(roles.len(), catalog.roles.len(), "roles seen: {roles:?}");
                for role in &catalog.roles {
                    let n = ok.iter().filter(|a| a.role == role.key).count();
                    assert!(
                        n > rows / catalog.roles.len() / 2,
                        "{} has only {n} rows",
                        role.key
                    );
                }
            }
        }
    }

    #[test]
    fn rows_are_varied_and_exact() {
        let bytes = sample(2000, 42);
        let recs = records(&bytes);
        let mut emails = HashSet::new();
        let (mut empty_role, mut filled_role, mut decimals) = (0, 0, 0);
        for r in &recs {
            assert!(r[2].is_ascii(), "{}", &r[2]);
            assert!(emails.insert(r[2].to_string()), "duplicate email {}", &r[2]);
            let total: u32 = r[8]
                .split(';')
                .map(|p| p.split_once('=').unwrap().1.parse::<u32>().unwrap())
                .sum();
            assert_eq!(total, 100, "{}", &r[8]);
            let years: f64 = r[7].parse().unwrap();
            assert!((0.0..=40.0).contains(&years));
            decimals += usize::from(r[7].contains('.'));
            assert!(!r[4].trim().is_empty());
            if r[5].is_empty() {
                empty_role += 1;
            } else {
                filled_role += 1;
            }
            assert!(r[9].split(';').filter(|t| !t.is_empty()).count() <= 4);
        }
        assert!(
            empty_role > 200 && filled_role > 200,
            "{empty_role} empty, {filled_role} filled"
        );
        assert!(decimals > 50);
        let consent: BTreeSet<&str> = recs.iter().map(|r| &r[12]).collect();
        assert!(consent.contains("true") && consent.contains("false") && consent.contains("yes"));
    }

    #[test]
    fn names_use_many_scripts() {
        let bytes = sample(2000, 42);
        let names: Vec<String> = records(&bytes).iter().map(|r| r[3].to_string()).collect();
        let any = |f: &dyn Fn(char) -> bool| names.iter().any(|n| n.chars().any(f));
        assert!(any(&|c| "ąćęłńśźżĄĆĘŁŃŚŹŻ".contains(c)), "Polish");
        assert!(
            any(&|c| "ễồđĐơưạảấầẩẫậắằẳẵặẹẻẽếềểệỉịọỏốổỗộớờởỡợụủứừửữựỳỵỷỹ".contains(c)),
            "Vietnamese"
        );
        assert!(any(&|c| ('\u{370}'..='\u{3ff}').contains(&c)), "Greek");
        assert!(any(&|c| ('\u{400}'..='\u{4ff}').contains(&c)), "Cyrillic");
        assert!(
            !any(&|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
            "no CJK characters"
        );
        let distinct: BTreeSet<&String> = names.iter().collect();
        assert!(
            distinct.len() > 1000,
            "only {} distinct names",
            distinct.len()
        );
    }

    #[test]
    fn transliteration_is_ascii() {
        assert_eq!(
            ascii_words("Γιώργος Παπαδόπουλος"),
            ["giorgos", "papadopoulos"]
        );
        assert_eq!(
            ascii_words("Олександр Коваленко"),
            ["oleksandr", "kovalenko"]
        );
        assert_eq!(
            ascii_words("Nguyễn Thị Hồng Nhung"),
            ["nguyen", "thi", "hong", "nhung"]
        );
        assert_eq!(
            ascii_words("Małgorzata Żółkiewska"),
            ["malgorzata", "zolkiewska"]
        );
        assert_eq!(
            ascii_words("Siobhán Ó Súilleabháin"),
            ["siobhan", "o", "suilleabhain"]
        );
        assert_eq!(
            ascii_words("Jürgen Groß O'Brien"),
            ["jurgen", "gross", "obrien"]
        );
        assert_eq!(ascii_words("İsmail Çağlar"), ["ismail", "caglar"]);
    }

    #[test]
    fn split_100_is_exact() {
        assert_eq!(split_100(&[1.0], 1), [100]);
        assert_eq!(split_100(&[1.0, 1.0, 1.0], 1).iter().sum::<u32>(), 100);
        let s = split_100(&[0.01, 50.0, 7.0, 3.0], 5);
        assert_eq!(s.iter().sum::<u32>(), 100);
        assert!(s.iter().all(|p| *p >= 5 && p % 5 == 0));
    }
}
