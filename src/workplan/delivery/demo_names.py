"""Names for the demonstration's people, per member of the Asia/Pacific region, as they appear
on the office's participant lists (Latin script, in the order each administration writes them).

A curated list rather than Faker: the demonstration then needs no extra run-time dependency,
gives the same names for a seed whatever Faker version is installed (Faker's lists change
between releases), and never produces what Faker's locales do for this region (honorifics such
as "drg." or "Quý cô", English names for ``fil_PH``, names in scripts the PDF fonts lack, no
``ms_MY`` locale at all).

Each member has one or more naming groups (a country's communities name differently):
``(order, women's given names, men's given names, family names)`` where ``order`` is
``gf`` (given family), ``fg`` (family given), ``g`` (a given name only, Myanmar) or ``bin``
(Malay: the father's name after bin/binti).
"""

from __future__ import annotations

import random
import re


def _w(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(",") if part.strip())


def _g(order: str, women: str, men: str, family: str = "") -> tuple:
    return (order, _w(women), _w(men), _w(family))


MALAY = _g("bin", "Nurul Aina, Siti Aishah, Nur Syafiqah, Farah Hanim, Noraini, Zarina, "
                  "Aida, Haslinda",
           "Ahmad Faiz, Mohd Hafiz, Muhammad Amir, Azman, Khairul Anuar, Rizal, Hisham, "
           "Zulkifli",
           "Ismail, Hassan, Abdullah, Othman, Yusof, Ibrahim, Rahman, Osman, Aziz, Salleh")
CHINESE_SE = _g("fg", "Hui Min, Mei Ling, Xin Yi, Li Ting, Siew Lan, Pei Shan, Wei Ling",
                "Wei Ming, Jun Hao, Kok Leong, Chee Keong, Boon Huat, Zhi Wei, Kian Seng",
                "Tan, Lim, Lee, Ng, Ong, Wong, Goh, Chua, Teo, Chan")
INDIAN_SE = _g("gf", "Kavitha, Priya, Shanthi, Deepa, Malathi, Revathi",
               "Suresh, Ganesan, Rajesh, Kumar, Vijay, Arun",
               "Subramaniam, Pillai, Raman, Krishnan, Nair, Muthu, Selvaraj")

NAMES: dict[str, tuple[tuple, ...]] = {
    "AFG": (_g("gf", "Zahra, Fatima, Mariam, Nazia, Shabnam, Farzana, Roya, Habiba",
                "Ahmad, Mohammad, Abdul Rahim, Farid, Naweed, Hamid, Jawad, Samiullah",
                "Ahmadi, Rahimi, Noori, Hakimi, Sultani, Karimi, Popal, Wardak, Safi, "
                "Stanikzai"),),
    "AUS": (_g("gf", "Sarah, Emma, Jessica, Rebecca, Michelle, Kate, Rachel, Megan",
                "James, Matthew, Daniel, Andrew, Luke, Ben, Michael, Scott",
                "Smith, Jones, Williams, Brown, Wilson, Taylor, Nguyen, Campbell, Kelly, "
                "Murphy"),),
    "BGD": (_g("gf", "Nasrin, Farhana, Sharmin, Nusrat, Taslima, Rokeya, Shirin, Sabina",
                "Rafiqul, Mahmudul, Kamrul, Aminul, Shahidul, Tanvir, Mizanur, Jahangir",
                "Hossain, Rahman, Islam, Ahmed, Chowdhury, Uddin, Alam, Haque, Sarker, Akter"),),
    "BRN": (MALAY,),
    "BTN": (_g("gf", "Pema, Dechen, Sonam, Tshering, Kinley, Yangchen, Karma, Tandin",
                "Karma, Sonam, Tashi, Ugyen, Jigme, Kinley, Dorji, Tshewang",
                "Wangmo, Dorji, Tshering, Wangchuk, Lhamo, Zangmo, Penjor, Namgyel, Dema, "
                "Norbu"),),
    "CHN": (_g("fg", "Li Na, Wang Fang, Xiaoyan, Jing, Yan, Min, Hui, Lei",
                "Wei, Jun, Qiang, Tao, Hao, Lei, Ming, Jian",
                "Wang, Li, Zhang, Liu, Chen, Yang, Zhao, Huang, Zhou, Wu, Xu, Sun"),),
    "FJI": (_g("gf", "Mere, Salote, Litia, Ana, Vasiti, Losana, Unaisi, Sereana",
                "Josefa, Semi, Isoa, Viliame, Apenisa, Tevita, Sakiusa, Jone",
                "Tuilau, Naivalu, Ravuvu, Qalo, Waqa, Bainimara, Seruvakula, Tora"),
            _g("gf", "Shalini, Anjali, Priya, Sangeeta, Reshma",
                "Rajesh, Vinod, Amit, Sanjay, Ravinesh",
                "Prasad, Kumar, Singh, Narayan, Chand, Reddy, Lal")),
    "HKG": (_g("fg", "Mei Ling, Wing Yan, Ka Yee, Hoi Yan, Suk Fan, Man Yee",
                "Chi Keung, Ka Ho, Wai Man, Tsz Hin, Chun Kit, Kwok Wai",
                "Chan, Wong, Leung, Cheung, Lau, Ho, Lam, Chow, Tsang, Yip"),),
    "IDN": (_g("gf", "Dewi, Sri, Ratna, Indah, Fitri, Ayu, Wulan, Rina, Nurul",
                "Budi, Agus, Hendra, Rudi, Eko, Bambang, Dedi, Arif, Yusuf",
                "Santoso, Wijaya, Saputra, Kurniawan, Hidayat, Setiawan, Nugroho, Pratama, "
                "Siregar, Lubis, Hutapea"),),
    "IND": (_g("gf", "Priya, Anjali, Sunita, Kavita, Neha, Pooja, Lakshmi, Meera, Divya",
                "Rahul, Amit, Vikram, Rajesh, Sanjay, Arjun, Manoj, Suresh, Anil",
                "Sharma, Verma, Gupta, Singh, Kumar, Iyer, Reddy, Nair, Patel, Das, Mehta, "
                "Rao"),),
    "IRN": (_g("gf", "Maryam, Zahra, Fatemeh, Narges, Leila, Shirin, Parisa, Mina",
                "Reza, Ali, Mohammad, Hossein, Mehdi, Amir, Hamid, Saeed",
                "Hosseini, Ahmadi, Mohammadi, Rezaei, Karimi, Moradi, Jafari, Rahimi, "
                "Sadeghi, Kazemi"),),
    "JPN": (_g("gf", "Yuki, Aiko, Haruka, Naoko, Emi, Sakura, Yoko, Mai, Keiko",
                "Hiroshi, Takeshi, Kenji, Daisuke, Satoshi, Yuta, Kazuki, Makoto, Shinji",
                "Tanaka, Suzuki, Takahashi, Watanabe, Ito, Yamamoto, Nakamura, Kobayashi, "
                "Kato, Sato, Yoshida, Yamada"),),
    "KHM": (_g("fg", "Sreymom, Sophea, Chenda, Bopha, Dara, Sokunthea, Channary, Malis",
                "Sokha, Dara, Vuthy, Rithy, Sambath, Pisey, Vannak, Chanthou",
                "Sok, Chea, Heng, Kim, Meas, Chhun, Ly, Keo, Prak, Seng"),),
    "KOR": (_g("fg", "Ji-yeon, Min-ji, Seo-yeon, Hye-jin, Eun-ji, Soo-jin, Yu-na, Ha-eun",
                "Min-jun, Seung-ho, Ji-hoon, Dong-hyun, Jae-won, Sung-min, Hyun-woo, Tae-yang",
                "Kim, Lee, Park, Choi, Jung, Kang, Cho, Yoon, Jang, Lim, Han, Shin"),),
    "LAO": (_g("gf", "Khamla, Souksavanh, Phonesavanh, Manivanh, Vilayphone, Chanthala",
                "Somphone, Bounmy, Khamphet, Souliya, Phouthone, Vilaysack",
                "Phommachanh, Sisouphanh, Vongphachanh, Keomany, Inthavong, Sayavong, "
                "Xayavong, Phetsavong"),),
    "LKA": (_g("gf", "Nimali, Dilani, Chathurika, Sanduni, Ishara, Madhavi, Tharushi",
                "Nimal, Sunil, Chaminda, Kasun, Ruwan, Pradeep, Dinesh, Mahesh",
                "Perera, Fernando, Silva, Jayasinghe, Bandara, Wijesinghe, Gunawardena, "
                "Rajapaksha, Dissanayake, Herath"),),
    "MAC": (_g("fg", "Ka Man, Sio Lan, Weng Ian, Choi Ieng, Mei Kuan",
                "Kin Hong, Chi Wai, Ka Lok, Wai Kin, Ieong Sam",
                "Chan, Leong, Lei, Ho, Wong, Lam, Cheong, Sio, Ieong, Iao"),),
    "MDV": (_g("gf", "Aishath, Mariyam, Fathimath, Hawwa, Aminath, Shifana",
                "Ahmed, Mohamed, Ibrahim, Hassan, Ali, Hussain",
                "Naseem, Shareef, Rasheed, Manik, Didi, Waheed, Latheef, Saeed, Zahir"),),
    "MMR": (_g("g", "Thida Win, Khin Myat, Su Su Hlaing, Nwe Ni Aung, Hnin Wai, May Thu, "
                     "Ei Phyu, Khin Sandar, Yin Yin Myint, Thet Htar",
                "Aung Kyaw Moe, Zaw Min Tun, Kyaw Zin, Htet Aung, Min Thu, Soe Win, "
                "Naing Lin, Ye Htut, Thant Zin, Tun Tun Oo"),),
    "MNG": (_g("gf", "Oyunchimeg, Sarangerel, Enkhjargal, Altantsetseg, Bolormaa, "
                      "Tsetsegmaa, Nomin",
                "Batbayar, Ganbold, Erdenebat, Tsogtbaatar, Enkhbold, Bat-Erdene, Munkhbat",
                "Dorj, Batsukh, Gantulga, Purev, Sukhbaatar, Nyamdorj, Tumur, Baatar"),),
    "MYS": (MALAY, CHINESE_SE, INDIAN_SE),
    "NPL": (_g("gf", "Sita, Gita, Sabina, Anita, Sarita, Kamala, Rojina, Pramila",
                "Ram, Hari, Bikash, Suman, Rajendra, Prakash, Dipak, Krishna",
                "Shrestha, Sharma, Thapa, Gurung, Adhikari, Karki, Poudel, Tamang, Rai, "
                "Magar"),),
    "NZL": (_g("gf", "Sophie, Hannah, Olivia, Aroha, Kiri, Rebecca, Emma, Anna",
                "Liam, James, Tama, Hemi, Nathan, Sam, Josh, Ben",
                "Smith, Wilson, Williams, Brown, Ngata, Parata, Taylor, Walker, Thompson, "
                "Te Whata"),),
    "PAK": (_g("gf", "Ayesha, Fatima, Sana, Amna, Hina, Saima, Nadia, Rabia",
                "Muhammad, Ali, Usman, Bilal, Imran, Asif, Kamran, Fahad",
                "Khan, Ahmed, Malik, Hussain, Qureshi, Butt, Chaudhry, Shah, Raza, Javed"),),
    "PHL": (_g("gf", "Maria Cristina, Ma. Theresa, Jocelyn, Rowena, Maricel, Lovely, "
                      "Kristine, Liza",
                "Jose, Juan Carlo, Mark Anthony, Ramon, Rodel, Jerome, Arnel, Paolo",
                "Santos, Reyes, Cruz, Bautista, Garcia, Mendoza, Dela Cruz, Villanueva, "
                "Ramos, Aquino, Castillo"),),
    "PLW": (_g("gf", "Faustina, Ebil, Dilmei, Rebluud, Sherry, Kathy, Lorenza",
                "Tmetuchl, Rengiil, Sabino, Kazuo, Johnny, Hersey, Ngiraked",
                "Ngiraibiochel, Remengesau, Tellei, Rengulbai, Sumang, Skebong, Ueki, "
                "Kuartei"),),
    "PNG": (_g("gf", "Mary, Grace, Esther, Ruth, Janet, Lucy, Naomi, Dorothy",
                "John, Peter, Michael, Joseph, Kila, Morea, Paul, David",
                "Kila, Morea, Namaliu, Wari, Agarobe, Taviri, Kaupa, Pokawin, Siaguru, Kuman"),),
    "SGP": (CHINESE_SE, MALAY, INDIAN_SE),
    "SLB": (_g("gf", "Mary, Ellen, Rose, Alice, Ethel, Joy",
                "Peter, John, Francis, Moses, Hudson, Clement",
                "Tosi, Manele, Houenipwela, Kemakeza, Sogavare, Rini, Maelalo, Fono, Tagini"),),
    "THA": (_g("gf", "Siriporn, Kanokwan, Nattaya, Pimchanok, Suda, Waraporn, Ploy, Jiraporn",
                "Somchai, Anan, Prasert, Wichai, Chaiwat, Somsak, Kittipong, Nattapong",
                "Srisuk, Chaiyaporn, Wongsawat, Rattanakorn, Sukprasert, Thongchai, "
                "Boonmee, Kaewkla, Saelim, Phromma"),),
    "TLS": (_g("gf", "Maria, Ana, Rosa, Joana, Filomena, Angelina, Domingas",
                "José, João, António, Manuel, Francisco, Agostinho, Domingos",
                "da Silva, Soares, Pereira, Ximenes, Guterres, Belo, da Costa, Amaral, "
                "Freitas"),),
    "TON": (_g("gf", "Salote, Mele, Ana, Lesieli, Sela, Losaline, Meleane",
                "Sione, Tevita, Viliami, Siaosi, Semisi, Paula, Sitani",
                "Tupou, Fifita, Taufa, Vaipulu, Fonua, Latu, Moala, Havili, Kioa"),),
    "VNM": (_g("fg", "Thi Lan, Thi Hoa, Thu Trang, Ngoc Anh, Thi Mai, Thanh Huong, Minh Chau",
                "Van Minh, Duc Anh, Quang Huy, Van Hung, Minh Tuan, Hoang Nam, Thanh Son",
                "Nguyen, Tran, Le, Pham, Hoang, Vu, Dang, Bui, Do, Ngo"),),
    "VUT": (_g("gf", "Marie, Leiwia, Anne, Florence, Jenny, Lily",
                "Jean, Kalo, Ralph, Willie, Andrew, Joe",
                "Kalsakau, Natapei, Regenvanu, Tabi, Molisa, Kilman, Napuat, Salwai"),),
    "WSM": (_g("gf", "Lupe, Seini, Lagi, Tina, Sina, Malia",
                "Tavita, Lemalu, Sione, Iosefa, Falani, Sefo",
                "Leota, Tuiasosopo, Faleolo, Aiono, Tuala, Fonoti, Lauina, Amituanai"),),
}
# Names for a member missing above (a member added to the region later, or another region's
# member in a test): plain, neutral.
FALLBACK = (_g("gf", "Anna, Maria, Sara, Leila, Amina, Grace",
               "David, Samuel, Omar, Daniel, Joseph, Adam",
               "Martin, Haddad, Mensah, Silva, Novak, Okafor"),)


def full_name(rng: random.Random, iso3: str, gender: str) -> tuple[str, str]:
    """A name as the member's administration writes it, and a word for the e-mail address
    (the given name, lower case, ASCII): drawn from ``rng`` for a woman (``female``) or
    anyone else."""
    import unicodedata

    order, women, men, family = rng.choice(NAMES.get(iso3, FALLBACK))
    given = rng.choice(women if gender == "female" else men)
    if order == "g":
        name = given
    elif order == "fg":
        name = f"{rng.choice(family)} {given}"
    elif order == "bin":
        name = f"{given} {'binti' if gender == 'female' else 'bin'} {rng.choice(family)}"
    else:
        name = f"{given} {rng.choice(family)}"
    word = unicodedata.normalize("NFKD", name.split(" bin")[0]).encode("ascii", "ignore")
    word = re.sub(r"[^a-z0-9]+", ".", word.decode().lower()).strip(".")
    return name, word
